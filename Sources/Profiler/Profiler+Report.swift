extension Profiler {
    /// The samples taken so far summarised per `grouping` (see `ProfileReport`). With no sample,
    /// a report with no rows and zero times.
    public func report(by grouping: ProfileReport.Grouping) -> ProfileReport {
        let forwards = forwardCount
        let divisor = Double(max(forwards, 1))
        let totalNanoseconds = Double(forwardNanoseconds.reduce(0, +))

        // Sites → rows.
        var rowIndex: [String: Int] = [:]
        var rowSites: [[Int]] = []
        var rowKeys: [(name: String, scope: Int?)] = []
        for (index, site) in sites.enumerated() {
            let key: (name: String, scope: Int?)
            switch grouping {
            case .module: key = (site.scope == Profiler.outside ? ProfileReport.outsideModules : scopes[site.scope].path, site.scope)
            case .type: key = (site.scope == Profiler.outside ? ProfileReport.outsideModules : scopes[site.scope].typeName, nil)
            case .op: key = (site.op.rawValue, nil)
            }
            if let row = rowIndex[key.name] {
                rowSites[row].append(index)
            } else {
                rowIndex[key.name] = rowSites.count
                rowSites.append([index])
                rowKeys.append(key)
            }
        }

        // Module calls, parameters and inclusive times per row (module and type rows).
        var typeScopes: [String: [Int]] = [:]
        if grouping == .type {
            for (index, scope) in scopes.enumerated() { typeScopes[scope.typeName, default: []].append(index) }
        }

        var rows: [ProfileReport.Row] = []
        var opNanosecondsByForward = [Double](repeating: 0, count: forwards)
        for (row, siteList) in rowSites.enumerated() {
            let perForward = (0..<forwards).map { forward in
                let times = siteNanosecondsByForward[forward]
                return Double(siteList.reduce(UInt64(0)) { $1 < times.count ? $0 + times[$1] : $0 })
            }
            for forward in 0..<forwards { opNanosecondsByForward[forward] += perForward[forward] }
            let ops = Double(siteList.reduce(0) { $0 + siteCalls[$1] }) / divisor
            let flops = Double(siteList.reduce(0) { $0 + siteFLOPs[$1] }) / divisor
            let share = totalNanoseconds > 0 ? perForward.reduce(0, +) / totalNanoseconds : 0
            let median = Profiler.median(perForward) / 1e6
            let (name, scope) = rowKeys[row]
            switch grouping {
            case .module:
                if let scope, scope != Profiler.outside {
                    let inclusive = (0..<forwards).map { Double(moduleNanosecondsByForward[$0][scope]) }
                    rows.append(ProfileReport.Row(
                        name: name, typeName: scopes[scope].typeName, calls: Double(moduleCalls[scope]) / divisor,
                        ops: ops, flops: flops, medianMilliseconds: median, share: share,
                        inclusiveMedianMilliseconds: Profiler.median(inclusive) / 1e6, parameters: scopeParameters[scope]))
                } else {
                    rows.append(ProfileReport.Row(name: name, calls: ops, ops: ops, flops: flops, medianMilliseconds: median, share: share))
                }
            case .type:
                let members = typeScopes[name] ?? []
                let calls = members.isEmpty ? ops : Double(members.reduce(0) { $0 + moduleCalls[$1] }) / divisor
                rows.append(ProfileReport.Row(
                    name: name, calls: calls, ops: ops, flops: flops, medianMilliseconds: median, share: share,
                    parameters: members.isEmpty ? nil : members.reduce(0) { $0 + scopeParameters[$1] }))
            case .op:
                rows.append(ProfileReport.Row(name: name, calls: ops, ops: ops, flops: flops, medianMilliseconds: median, share: share))
            }
        }
        rows.sort { a, b in
            if a.medianMilliseconds != b.medianMilliseconds { return a.medianMilliseconds > b.medianMilliseconds }
            if a.share != b.share { return a.share > b.share }
            return a.name < b.name
        }

        let forwardTimes = forwardNanoseconds.map { Double($0) }
        let gaps = zip(forwardTimes, opNanosecondsByForward).map { max($0 - $1, 0) }
        let gapShare = totalNanoseconds > 0 ? gaps.reduce(0, +) / totalNanoseconds : 0
        return ProfileReport(
            model: model.typeName, parameters: parameterCount, grouping: grouping,
            warmup: warmupCount, forwards: forwards,
            forwardMedianMilliseconds: Profiler.median(forwardTimes) / 1e6,
            forwardMinMilliseconds: (forwardTimes.min() ?? 0) / 1e6,
            forwardMaxMilliseconds: (forwardTimes.max() ?? 0) / 1e6,
            flops: Double(siteFLOPs.reduce(0, +)) / divisor,
            rows: rows,
            betweenOps: ProfileReport.Remainder(medianMilliseconds: Profiler.median(gaps) / 1e6, share: gapShare))
    }

    /// The median of `values` (the mean of the middle two for an even count; 0 for none).
    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
    }
}
