import Testing
@testable import AuthLogKit

@Suite struct IPAddressTests {
    @Test func parsesBothFamiliesAndWritesThemCanonically() {
        #expect(IPAddress("203.0.113.7")?.description == "203.0.113.7")
        #expect(IPAddress("2001:DB8:0:0:0:0:0:1")?.description == "2001:db8::1")
        #expect(IPAddress("[2001:db8::1]")?.description == "2001:db8::1")
        #expect(IPAddress("203.0.113.7")?.isIPv4 == true)
        #expect(IPAddress("2001:db8::1")?.isIPv4 == false)
    }

    @Test func anIPv4MappedAddressIsTheIPv4Client() {
        #expect(IPAddress("::ffff:203.0.113.7") == IPAddress("203.0.113.7"))
    }

    @Test func forgedOrMalformedFieldsAreNoAddress() {
        for text in ["", "-", "unknown", "203.0.113", "203.0.113.7.1", "256.1.1.1", "203.0.113.7\u{0}",
                     "1.2.3.4, 5.6.7.8", "2001:db8:::1", "[2001:db8::1", "203.0.113.7 ", "fe80::1%eth0"] {
            #expect(IPAddress(text) == nil, "\(text.debugDescription) is not an address")
        }
    }

    @Test func networksContainTheirAddressesOnly() throws {
        let v4 = try #require(IPNetwork("203.0.113.0/24"))
        #expect(v4.contains(IPAddress("203.0.113.255")!))
        #expect(!v4.contains(IPAddress("203.0.114.0")!))
        let v6 = try #require(IPNetwork("2001:db8:1:2::/64"))
        #expect(v6.contains(IPAddress("2001:db8:1:2:ffff::9")!))
        #expect(!v6.contains(IPAddress("2001:db8:1:3::1")!))
        // The families never mix, whatever the bits.
        #expect(!IPNetwork("0.0.0.0/0")!.contains(IPAddress("::1")!))
        #expect(IPNetwork("::/0")!.contains(IPAddress("2001:db8::1")!))
    }

    @Test func aTypoInAListIsRefusedNotWidened() {
        #expect(IPNetwork("203.0.113.7/24") == nil)   // host bits set
        #expect(IPNetwork("203.0.113.0/33") == nil)
        #expect(IPNetwork("2001:db8::/129") == nil)
        #expect(IPNetwork("203.0.113.0/") == nil)
        #expect(IPNetwork("203.0.113.0/+8") == nil)
        #expect(IPNetwork("203.0.113.7")?.isHost == true)
        #expect(IPNetwork("203.0.113.7")?.description == "203.0.113.7")
    }

    @Test func maskingGivesTheNetworkAnAttackerOwns() {
        let address = IPAddress("2001:db8:1:2:aaaa:bbbb:cccc:dddd")!
        #expect(IPNetwork(address, prefix: 64).description == "2001:db8:1:2::/64")
        #expect(IPNetwork(address, prefix: 56).description == "2001:db8:1::/56")
        #expect(IPNetwork(address, prefix: 80).description == "2001:db8:1:2:aaaa::/80")
        #expect(IPNetwork(IPAddress("198.51.100.77")!, prefix: 24).description == "198.51.100.0/24")
    }

    @Test func addressesSortIPv4First() {
        let sorted = ["2001:db8::1", "10.0.0.2", "9.0.0.1", "::1"].compactMap(IPAddress.init).sorted()
        #expect(sorted.map(\.description) == ["9.0.0.1", "10.0.0.2", "::1", "2001:db8::1"])
    }
}
