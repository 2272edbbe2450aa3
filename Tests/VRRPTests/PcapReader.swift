import Foundation

/// Reads classic libpcap files (Ethernet link type): the frames of the reference captures.
struct PcapReader {
    struct Frame {
        var bytes: [UInt8]
        /// The IP packet (IPv4 or IPv6) carried by the Ethernet frame, when there is one.
        var ipPacket: ArraySlice<UInt8>? {
            guard bytes.count > 14 else { return nil }
            let etherType = UInt16(bytes[12]) << 8 | UInt16(bytes[13])
            return etherType == 0x0800 || etherType == 0x86DD ? bytes[14...] : nil
        }
    }

    static let captures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/fixtures/vrrp-captures")

    static func frames(_ name: String) throws -> [Frame] {
        let data = [UInt8](try Data(contentsOf: captures.appendingPathComponent(name)))
        guard data.count >= 24 else { throw CaptureError.tooShort }
        let magic = UInt32(data[0]) | UInt32(data[1]) << 8 | UInt32(data[2]) << 16 | UInt32(data[3]) << 24
        let littleEndian: Bool
        switch magic {
        case 0xA1B2_C3D4, 0xA1B2_3C4D: littleEndian = true
        case 0xD4C3_B2A1, 0x4D3C_B2A1: littleEndian = false
        default: throw CaptureError.notPcap
        }
        func word(_ offset: Int) -> Int {
            let bytes = data[offset..<(offset + 4)].map(UInt32.init)
            return Int(littleEndian ? bytes[0] | bytes[1] << 8 | bytes[2] << 16 | bytes[3] << 24
                                    : bytes[3] | bytes[2] << 8 | bytes[1] << 16 | bytes[0] << 24)
        }
        var frames: [Frame] = []
        var offset = 24
        while offset + 16 <= data.count {
            let length = word(offset + 8)
            offset += 16
            guard offset + length <= data.count else { throw CaptureError.tooShort }
            frames.append(Frame(bytes: Array(data[offset..<(offset + length)])))
            offset += length
        }
        return frames
    }

    enum CaptureError: Error { case tooShort, notPcap }
}

extension Array where Element == UInt8 {
    init(hex: String) {
        let digits = hex.filter(\.isHexDigit)
        self = stride(from: 0, to: digits.count, by: 2).map {
            let start = digits.index(digits.startIndex, offsetBy: $0)
            return UInt8(digits[start..<digits.index(start, offsetBy: 2)], radix: 16)!
        }
    }
}
