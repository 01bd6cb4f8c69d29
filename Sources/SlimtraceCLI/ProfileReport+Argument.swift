import ArgumentParser
import Profiler

/// `bench --by module|type|op`.
extension ProfileReport.Grouping: ExpressibleByArgument {}
