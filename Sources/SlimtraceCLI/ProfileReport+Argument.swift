import ArgumentParser
import Tracer

/// `bench --by module|type|op`.
extension ProfileReport.Grouping: ExpressibleByArgument {}
