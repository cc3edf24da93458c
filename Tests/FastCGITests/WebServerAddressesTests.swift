#if canImport(Glibc)
import Glibc
#endif
@testable import FastCGI
import Testing

@Suite struct WebServerAddressesTests {
    private func peer(_ text: String) -> sockaddr_storage {
        var storage = sockaddr_storage()
        withUnsafeMutableBytes(of: &storage) { raw in
            var v4 = in_addr()
            if inet_pton(AF_INET, text, &v4) == 1 {
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_addr = v4
                raw.storeBytes(of: address, as: sockaddr_in.self)
                return
            }
            var v6 = in6_addr()
            #expect(inet_pton(AF_INET6, text, &v6) == 1)
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_addr = v6
            raw.storeBytes(of: address, as: sockaddr_in6.self)
        }
        return storage
    }

    private var unixPeer: sockaddr_storage {
        var storage = sockaddr_storage()
        storage.ss_family = sa_family_t(AF_UNIX)
        return storage
    }

    @Test func unsetOrEmptyAllowsEveryone() {
        for list in [nil, "", " , "] as [String?] {
            let addresses = WebServerAddresses(list)
            #expect(addresses.allows(peer("192.0.2.7")))
            #expect(addresses.allows(peer("2001:db8::7")))
        }
    }

    @Test func onlyListedPeersOverTCP() {
        let addresses = WebServerAddresses("127.0.0.1, 2001:db8::1")
        #expect(addresses.allows(peer("127.0.0.1")))
        #expect(!addresses.allows(peer("127.0.0.2")))
        #expect(addresses.allows(peer("2001:db8::1")))
        #expect(!addresses.allows(peer("2001:db8::2")))
        // libfcgi would let any IPv6 peer through; an IPv4-mapped one counts as its IPv4 address.
        #expect(!addresses.allows(peer("::1")))
        #expect(addresses.allows(peer("::ffff:127.0.0.1")))
        #expect(addresses.allows(unixPeer))
    }

    @Test func aListOfNoAddressesAllowsNobodyOverTCP() {
        let addresses = WebServerAddresses("nginx.internal")
        #expect(!addresses.allows(peer("127.0.0.1")))
        #expect(addresses.allows(unixPeer))
    }
}
