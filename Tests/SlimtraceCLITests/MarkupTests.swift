import Foundation
import Report
import Searchers
import Testing
import Tracer

/// The report's markup escapes what checkpoints name: no name can open a tag or close the JSON script.
@Suite struct MarkupTests {
    @Test func textAndAttributesAreEscaped() {
        let markup = Markup.tag("td", ["title": "a\"b'<c>"], text: "<script>alert(1)</script> & more")
        #expect(markup.rendered == "<td title=\"a&quot;b&#39;&lt;c&gt;\">&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</td>")
    }

    @Test func aModuleNamedScriptIsEscapedEverywhereInTheReport() throws {
        let hostile = "layer.<script>alert(1)</script>"
        let json = """
        {"model": "Evil</script><script>x()</script>", "searchers": ["linear2linear", "mha", "head"], "inputs": [],
         "linear2linear": [{"root_linear": "\(hostile).down", "target_frontier_linears": ["\(hostile).up"], "safe": false,
                            "explain": {"path": [], "unsafe_because": "add at <b>residual</b>"}}],
         "mha": [{"qkv": ["\(hostile).q"], "ffn": ["\(hostile).o"], "mha_name": ["\(hostile)"], "fused_qkv": true, "num_heads": 4, "num_kv_heads": 2, "head_size": 8}],
         "head": "<img src=x onerror=alert(1)>", "graph_nodes": 0, "trace_seconds": 0, "search_seconds": 0}
        """
        let search = try JSONDecoder().decode(SearchReport.self, from: Data(json.utf8))
        let graph = try Graph(nodes: [], values: [])
        let moduleGraph = ModuleGraph(graph)
        let page = try HTMLReport(overview: .init(checkpoint: "/tmp/<script>", family: "<i>", parameters: 1, isMeta: true), search: search,
                                  layers: LayerMap(search: search, graph: graph, moduleGraph: moduleGraph), moduleGraph: moduleGraph,
                                  comparison: nil, command: "slimtrace report '<script>'").html()
        #expect(!page.contains("<script>alert") && !page.contains("<script>x()") && !page.contains("<img") && !page.contains("<b>") && !page.contains("<i>"))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(page.contains("add at &lt;b&gt;residual&lt;/b&gt;"), "the unsafe reason is shown, escaped")
        // The only script elements are the JSON data blocks, and their JSON still decodes.
        let scripts = page.components(separatedBy: "<script").count - 1
        #expect(scripts == page.components(separatedBy: "<script type=\"application/json\"").count - 1)
        let embedded = try #require(ReportPage(page).json("slimtrace-search"))
        #expect(try JSONDecoder().decode(SearchReport.self, from: embedded).linear2linear?.first?.rootLinear == "\(hostile).down")
    }
}
