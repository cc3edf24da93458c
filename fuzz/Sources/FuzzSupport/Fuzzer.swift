#if canImport(Glibc)
import Glibc
#endif
import FuzzDriver

/// The entry point of a fuzz target: `Fuzzer.run { bytes in … }` in its `main.swift`.
public enum Fuzzer {
    nonisolated(unsafe) private static var body: ([UInt8]) -> Void = { _ in }

    public static func run(_ body: @escaping ([UInt8]) -> Void) -> Never {
        Self.body = body
        let status = fuzz_driver_main(CommandLine.argc, CommandLine.unsafeArgv) { data, size in
            Fuzzer.body(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
            return 0
        }
        exit(status)
    }
}
