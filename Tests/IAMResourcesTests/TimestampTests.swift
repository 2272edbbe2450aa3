import IAMResources
import Testing

@Suite struct TimestampTests {
    @Test func rendersRFC3339InUTCWithGoFractions() {
        #expect(Timestamp(microseconds: 0).rfc3339 == "1970-01-01T00:00:00Z")
        #expect(Timestamp(microseconds: 1_600_820_843_432_346).rfc3339 == "2020-09-23T00:27:23.432346Z")
        #expect(Timestamp(microseconds: 1_600_820_843_400_000).rfc3339 == "2020-09-23T00:27:23.4Z")
        #expect(Timestamp(microseconds: 951_782_400_000_000).rfc3339 == "2000-02-29T00:00:00Z")
        #expect(Timestamp(microseconds: 4_102_444_799_000_001).rfc3339 == "2099-12-31T23:59:59.000001Z")
        #expect(Timestamp.zero.rfc3339 == "0001-01-01T00:00:00Z")
        #expect(Timestamp(microseconds: -30_610_224_001 * 1_000_000).rfc3339 == "0999-12-31T23:59:59Z")
        #expect(Timestamp(microseconds: 253_402_300_800 * 1_000_000).rfc3339 == "10000-01-01T00:00:00Z")
        #expect(Timestamp(microseconds: 1_600_820_843_432_346).tableText == "2020-09-23 00:27:23")
    }
}
