// A request's log line is a `LogLine`: whoever serves requests writes them.
@_exported import LogLines
