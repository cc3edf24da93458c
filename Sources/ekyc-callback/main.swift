import EKYCGate
#if canImport(Glibc)
import Glibc
#endif

MallocPolicy.apply()
exit(HandlerMain.run(.callback, arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessEnvironment.relevant()))
