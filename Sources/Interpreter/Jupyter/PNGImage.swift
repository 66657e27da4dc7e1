import Foundation

/// An RGBA image written as a PNG file, with no image library: the signature, an `IHDR` chunk
/// (8 bits per channel, colour type 6: red, green, blue, alpha), one `IDAT` chunk and `IEND`.
///
/// The image data is a zlib stream of *stored* deflate blocks (no compression): a logo of
/// 64×64 pixels is 16 KiB either way, and stored blocks need no compressor. Every scanline
/// starts with filter type 0 (none). Chunks carry their CRC-32, the zlib stream its Adler-32,
/// so any PNG decoder reads the file.
struct PNGImage {
    let width: Int
    let height: Int
    /// Four bytes per pixel (red, green, blue, alpha), row by row from the top left; straight
    /// (not premultiplied) alpha, as PNG stores it.
    let pixels: [UInt8]

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// The most a stored deflate block holds.
    static let storedBlockLimit = 65_535

    /// The PNG file.
    var data: Data {
        precondition(pixels.count == width * height * 4, "an RGBA image has four bytes per pixel")
        var header: [UInt8] = []
        header += Self.bigEndian(UInt32(width))
        header += Self.bigEndian(UInt32(height))
        header += [8, 6, 0, 0, 0]  // bit depth, colour type RGBA, deflate, filter method 0, no interlace
        var scanlines: [UInt8] = []
        scanlines.reserveCapacity(height * (width * 4 + 1))
        for row in 0..<height {
            scanlines.append(0)  // filter type: none
            scanlines += pixels[(row * width * 4)..<((row + 1) * width * 4)]
        }
        var file = Self.signature
        file += Self.chunk("IHDR", header)
        file += Self.chunk("IDAT", Self.zlibStored(scanlines))
        file += Self.chunk("IEND", [])
        return Data(file)
    }

    /// A chunk: the data's length, the type, the data, and the CRC-32 of type and data.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return bigEndian(UInt32(data.count)) + typeBytes + data + bigEndian(crc32(typeBytes + data))
    }

    /// `bytes` as a zlib stream (RFC 1950) of stored deflate blocks (RFC 1951, block type 0).
    static func zlibStored(_ bytes: [UInt8]) -> [UInt8] {
        // CMF 0x78: deflate with a 32 KiB window; FLG 0x01 makes CMF·256 + FLG a multiple of 31.
        var stream: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let end = min(start + storedBlockLimit, bytes.count)
            let length = UInt16(end - start)
            stream.append(end == bytes.count ? 1 : 0)  // BFINAL on the last block, BTYPE 00
            stream += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
            stream += bytes[start..<end]
            start = end
        } while start < bytes.count
        return stream + bigEndian(adler32(bytes))
    }

    /// CRC-32 as PNG and zlib's `crc32` compute it (polynomial 0xEDB88320, reflected).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }

    private static let crcTable: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    /// Adler-32 (RFC 1950): two sums modulo 65521.
    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return b << 16 | a
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
