/// An allowed client address: exact (`127.0.0.1`, `::1`) or an IPv4 network (`10.0.0.0/8`).
public struct AddressPattern: Sendable, Equatable {
    let text: String
    let network: (address: UInt32, bits: Int)?

    public static func == (a: AddressPattern, b: AddressPattern) -> Bool { a.text == b.text }

    public init?(_ text: String) {
        let trimmed = text.trimmed()
        guard !trimmed.isEmpty else { return nil }
        if let slash = trimmed.firstIndex(of: "/") {
            guard let address = Self.ipv4(String(trimmed[..<slash])), let bits = Int(trimmed[trimmed.index(after: slash)...]),
                  (0...32).contains(bits) else { return nil }
            network = (address, bits)
        } else {
            guard Self.ipv4(trimmed) != nil || trimmed.contains(":") else { return nil }
            network = nil
        }
        self.text = trimmed
    }

    public func matches(_ address: String) -> Bool {
        guard let network else { return address == text }
        guard let value = Self.ipv4(address) else { return false }
        let mask: UInt32 = network.bits == 0 ? 0 : ~UInt32(0) << (32 - network.bits)
        return value & mask == network.address & mask
    }

    static func ipv4(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard let octet = UInt8(part) else { return nil }
            value = value << 8 | UInt32(octet)
        }
        return value
    }
}
