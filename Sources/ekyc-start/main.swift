import EKYCGate
#if canImport(Glibc)
import Glibc
#endif

MallocPolicy.apply()
exit(HandlerMain.run(.start, arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessEnvironment.relevant()))
