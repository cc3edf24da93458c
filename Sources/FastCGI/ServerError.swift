#if canImport(Glibc)
import Glibc
#endif

/// Why a FastCGI or CGI server could not start or serve.
public enum ServerError: Error, CustomStringConvertible, Equatable {
    case badListenAddress(String)
    case libraryInit
    case cannotListen(String, errno: Int32)
    case threadStart(errno: Int32)
    case badOwner(String, String)
    case outOfDescriptors(errno: Int32)
    case socketInUse(String)

    public var description: String {
        switch self {
        case .badListenAddress(let text):
            "bad --listen value '\(text)': use unix:/path/to.sock or 127.0.0.1:9000"
        case .libraryInit:
            "libfcgi failed to initialise (FCGX_Init)"
        case .cannotListen(let address, let code):
            "cannot listen on \(address): \(String(cString: strerror(code))) — check that the directory exists, is writable, and no other process holds the address"
        case let .badOwner(text, why):
            "bad --socket-owner '\(text)': \(why); use USER or USER:GROUP"
        case .threadStart(let code):
            "cannot start a worker thread: \(String(cString: strerror(code))); lower --workers"
        case .socketInUse(let path):
            "another process is serving unix:\(path); stop it first (or give this one another --listen), so no connection of the web server's is cut"
        case .outOfDescriptors(let code):
            "cannot create the server's stop pipe: \(String(cString: strerror(code))); raise the open-files limit (ulimit -n)"
        }
    }
}
