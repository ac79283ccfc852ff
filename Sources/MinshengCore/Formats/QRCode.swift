import Foundation

/// QR codes (ISO/IEC 18004) in byte mode, written by Minsheng itself: versions 1–40, the four
/// error-correction levels, the mask chosen by the standard's penalty rules.
public struct QRCode: Sendable {
    public enum Level: String, CaseIterable, Sendable {
        /// ~7% of the symbol may be damaged
        case low = "L"
        /// ~15%
        case medium = "M"
        /// ~25%
        case quartile = "Q"
        /// ~30%
        case high = "H"

        var index: Int {
            switch self {
            case .low: 0
            case .medium: 1
            case .quartile: 2
            case .high: 3
            }
        }

        /// The two format bits of the level.
        var formatBits: Int {
            switch self {
            case .low: 1
            case .medium: 0
            case .quartile: 3
            case .high: 2
            }
        }
    }

    public enum Failure: Error, Equatable, Sendable {
        case tooLong
    }

    public let version: Int
    public let level: Level
    public let size: Int
    public private(set) var mask: Int
    /// Row-major; true is dark.
    public private(set) var modules: [[Bool]]
    private var isFunction: [[Bool]]

    public func isDark(x: Int, y: Int) -> Bool { modules[y][x] }

    /// Encodes the text (UTF-8) at the smallest version that holds it at `level`.
    public init(text: String, level: Level = .medium) throws {
        try self.init(bytes: Array(text.utf8), level: level)
    }

    public init(bytes: [UInt8], level: Level) throws {
        var chosen: Int? = nil
        for version in 1...40 {
            let countBits = version <= 9 ? 8 : 16
            let capacity = Self.dataCodewords(version: version, level: level) * 8
            if bytes.count < (1 << countBits), 4 + countBits + bytes.count * 8 <= capacity { chosen = version; break }
        }
        guard let version = chosen else { throw Failure.tooLong }
        self.version = version
        self.level = level
        size = version * 4 + 17
        modules = Array(repeating: Array(repeating: false, count: size), count: size)
        isFunction = modules
        mask = 0

        // The data: mode, count, bytes, terminator, padding.
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) { for i in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) } }
        append(0b0100, 4)
        append(bytes.count, version <= 9 ? 8 : 16)
        for byte in bytes { append(Int(byte), 8) }
        let capacity = Self.dataCodewords(version: version, level: level) * 8
        append(0, min(4, capacity - bits.count))
        append(0, (8 - bits.count % 8) % 8)
        var pad = 0xEC
        while bits.count < capacity { append(pad, 8); pad ^= 0xEC ^ 0x11 }
        var data: [UInt8] = []
        for start in stride(from: 0, to: bits.count, by: 8) {
            var byte: UInt8 = 0
            for bit in bits[start..<start + 8] { byte = byte << 1 | (bit ? 1 : 0) }
            data.append(byte)
        }

        drawFunctionPatterns()
        drawCodewords(addErrorCorrection(data))
        // The mask with the lowest penalty.
        var best = 0
        var bestPenalty = Int.max
        for candidate in 0..<8 {
            applyMask(candidate)
            drawFormatBits(candidate)
            let penalty = penaltyScore()
            if penalty < bestPenalty { best = candidate; bestPenalty = penalty }
            applyMask(candidate)  // undo (XOR)
        }
        mask = best
        applyMask(best)
        drawFormatBits(best)
    }

    // MARK: - Tables (ISO/IEC 18004, table 9)

    static let eccCodewordsPerBlock: [[Int]] = [
        [-1, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [-1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
        [-1, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [-1, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    ]

    static let errorCorrectionBlocks: [[Int]] = [
        [-1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
        [-1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
        [-1, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
        [-1, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
    ]

    /// Modules available for data and error correction (everything but the function patterns).
    static func rawDataModules(version: Int) -> Int {
        var result = (16 * version + 128) * version + 64
        if version >= 2 {
            let alignments = version / 7 + 2
            result -= (25 * alignments - 10) * alignments - 55
            if version >= 7 { result -= 36 }
        }
        return result
    }

    static func dataCodewords(version: Int, level: Level) -> Int {
        rawDataModules(version: version) / 8 - eccCodewordsPerBlock[level.index][version] * errorCorrectionBlocks[level.index][version]
    }

    // MARK: - Function patterns

    private mutating func setFunction(_ x: Int, _ y: Int, _ dark: Bool) {
        modules[y][x] = dark
        isFunction[y][x] = true
    }

    private mutating func drawFunctionPatterns() {
        for i in 0..<size {
            setFunction(6, i, i % 2 == 0)
            setFunction(i, 6, i % 2 == 0)
        }
        for (x, y) in [(3, 3), (size - 4, 3), (3, size - 4)] {
            for dy in -4...4 {
                for dx in -4...4 {
                    let xx = x + dx, yy = y + dy
                    guard (0..<size).contains(xx), (0..<size).contains(yy) else { continue }
                    let distance = max(abs(dx), abs(dy))
                    setFunction(xx, yy, distance != 2 && distance != 4)
                }
            }
        }
        let positions = alignmentPositions()
        let last = positions.count - 1
        for i in positions.indices {
            for j in positions.indices {
                if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
                for dy in -2...2 {
                    for dx in -2...2 { setFunction(positions[i] + dx, positions[j] + dy, max(abs(dx), abs(dy)) != 1) }
                }
            }
        }
        drawFormatBits(0)  // reserves the areas; drawn for real once the mask is chosen
        if version >= 7 {
            var remainder = version
            for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
            let bits = version << 12 | remainder
            for i in 0..<18 {
                let dark = (bits >> i) & 1 == 1
                let a = size - 11 + i % 3, b = i / 3
                setFunction(a, b, dark)
                setFunction(b, a, dark)
            }
        }
    }

    private func alignmentPositions() -> [Int] {
        guard version > 1 else { return [] }
        let count = version / 7 + 2
        let step = version == 32 ? 26 : (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
        var result = [6]
        var position = size - 7
        while result.count < count {
            result.insert(position, at: 1)
            position -= step
        }
        return result
    }

    private mutating func drawFormatBits(_ mask: Int) {
        let data = level.formatBits << 3 | mask
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        let bits = (data << 10 | remainder) ^ 0x5412
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        for i in 0..<6 { setFunction(8, i, bit(i)) }
        setFunction(8, 7, bit(6))
        setFunction(8, 8, bit(7))
        setFunction(7, 8, bit(8))
        for i in 9..<15 { setFunction(14 - i, 8, bit(i)) }
        for i in 0..<8 { setFunction(size - 1 - i, 8, bit(i)) }
        for i in 8..<15 { setFunction(8, size - 15 + i, bit(i)) }
        setFunction(8, size - 8, true)
    }

    // MARK: - Data

    private func addErrorCorrection(_ data: [UInt8]) -> [UInt8] {
        let blocks = Self.errorCorrectionBlocks[level.index][version]
        let ecc = Self.eccCodewordsPerBlock[level.index][version]
        let raw = Self.rawDataModules(version: version) / 8
        let shortBlocks = blocks - raw % blocks
        let shortLength = raw / blocks
        let divisor = Self.reedSolomonDivisor(degree: ecc)
        var all: [[UInt8]] = []
        var offset = 0
        for i in 0..<blocks {
            let length = shortLength - ecc + (i < shortBlocks ? 0 : 1)
            var block = Array(data[offset..<offset + length])
            offset += length
            let remainder = Self.reedSolomonRemainder(block, divisor)
            if i < shortBlocks { block.append(0) }
            all.append(block + remainder)
        }
        var result: [UInt8] = []
        for i in 0..<all[0].count {
            for (j, block) in all.enumerated() where i != shortLength - ecc || j >= shortBlocks {
                result.append(block[i])
            }
        }
        return result
    }

    static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var z = 0
        for i in stride(from: 7, through: 0, by: -1) {
            z = (z << 1) ^ ((z >> 7) * 0x11D)
            z ^= Int((y >> UInt8(i)) & 1) * Int(x)
        }
        return UInt8(z & 0xFF)
    }

    static func reedSolomonDivisor(degree: Int) -> [UInt8] {
        var result = Array(repeating: UInt8(0), count: degree - 1) + [1]
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                result[j] = multiply(result[j], root)
                if j + 1 < degree { result[j] ^= result[j + 1] }
            }
            root = multiply(root, 0x02)
        }
        return result
    }

    static func reedSolomonRemainder(_ data: [UInt8], _ divisor: [UInt8]) -> [UInt8] {
        var result = Array(repeating: UInt8(0), count: divisor.count)
        for byte in data {
            let factor = byte ^ result.removeFirst()
            result.append(0)
            for i in result.indices { result[i] ^= multiply(divisor[i], factor) }
        }
        return result
    }

    private mutating func drawCodewords(_ data: [UInt8]) {
        var i = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            for vertical in 0..<size {
                for j in 0..<2 {
                    let x = right - j
                    let upward = (right + 1) & 2 == 0
                    let y = upward ? size - 1 - vertical : vertical
                    if !isFunction[y][x] && i < data.count * 8 {
                        modules[y][x] = (data[i >> 3] >> UInt8(7 - (i & 7))) & 1 == 1
                        i += 1
                    }
                }
            }
            right -= 2
        }
    }

    private mutating func applyMask(_ mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y][x] {
                let invert: Bool
                switch mask {
                case 0: invert = (x + y) % 2 == 0
                case 1: invert = y % 2 == 0
                case 2: invert = x % 3 == 0
                case 3: invert = (x + y) % 3 == 0
                case 4: invert = (x / 3 + y / 2) % 2 == 0
                case 5: invert = x * y % 2 + x * y % 3 == 0
                case 6: invert = (x * y % 2 + x * y % 3) % 2 == 0
                default: invert = ((x + y) % 2 + x * y % 3) % 2 == 0
                }
                if invert { modules[y][x].toggle() }
            }
        }
    }

    /// The standard's penalty: runs of one colour, 2×2 blocks, finder-like patterns, imbalance.
    private func penaltyScore() -> Int {
        var penalty = 0
        func lines(_ horizontal: Bool) -> [[Bool]] {
            (0..<size).map { a in (0..<size).map { b in horizontal ? modules[a][b] : modules[b][a] } }
        }
        let finderLike: [Bool] = [true, false, true, true, true, false, true]
        for line in lines(true) + lines(false) {
            var run = 1
            for i in 1..<line.count {
                if line[i] == line[i - 1] {
                    run += 1
                } else {
                    if run >= 5 { penalty += run - 2 }
                    run = 1
                }
            }
            if run >= 5 { penalty += run - 2 }
            if line.count >= 11 {
                for i in 0...(line.count - 7) where Array(line[i..<i + 7]) == finderLike {
                    let before = i >= 4 && !line[(i - 4)..<i].contains(true)
                    let after = i + 11 <= line.count && !line[(i + 7)..<(i + 11)].contains(true)
                    if before || after { penalty += 40 }
                }
            }
        }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let c = modules[y][x]
                if c == modules[y][x + 1] && c == modules[y + 1][x] && c == modules[y + 1][x + 1] { penalty += 3 }
            }
        }
        let dark = modules.reduce(0) { $0 + $1.filter { $0 }.count }
        let total = size * size
        let k = (abs(dark * 20 - total * 10) + total - 1) / total - 1
        penalty += max(0, k) * 10
        return penalty
    }

    // MARK: - Output

    /// An SVG drawing, `moduleSize` user units a module, with the standard quiet zone of 4.
    public func svg(moduleSize: Int = 8, quietZone: Int = 4) -> String {
        let dimension = (size + quietZone * 2) * moduleSize
        var path = ""
        for y in 0..<size {
            for x in 0..<size where modules[y][x] {
                path += "M\((x + quietZone) * moduleSize),\((y + quietZone) * moduleSize)h\(moduleSize)v\(moduleSize)h-\(moduleSize)z"
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(dimension) \(dimension)\" width=\"\(dimension)\" height=\"\(dimension)\" shape-rendering=\"crispEdges\">"
            + "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"\(path)\"/></svg>"
    }

    /// A black-and-white PNG (one bit a pixel), `moduleSize` pixels a module, with the quiet zone.
    public func png(moduleSize: Int = 8, quietZone: Int = 4) -> Data {
        let dimension = (size + quietZone * 2) * moduleSize
        let rowBytes = (dimension + 7) / 8
        var raw: [UInt8] = []
        raw.reserveCapacity((rowBytes + 1) * dimension)
        for py in 0..<dimension {
            raw.append(0)  // filter: none
            let y = py / moduleSize - quietZone
            var byte: UInt8 = 0
            for px in 0..<dimension {
                let x = px / moduleSize - quietZone
                let dark = (0..<size).contains(x) && (0..<size).contains(y) && modules[y][x]
                byte = byte << 1 | (dark ? 0 : 1)  // 1 is white
                if px % 8 == 7 { raw.append(byte); byte = 0 }
            }
            if dimension % 8 != 0 { raw.append(byte << UInt8(8 - dimension % 8) | UInt8((1 << (8 - dimension % 8)) - 1)) }
        }
        return PNGWriter.grayscale(width: dimension, height: dimension, bitDepth: 1, rows: raw)
    }
}

/// Minimal PNG writing: 8-bit grayscale, the image data in stored (uncompressed) deflate blocks.
enum PNGWriter {
    static func grayscale(width: Int, height: Int, bitDepth: UInt8 = 8, rows: [UInt8]) -> Data {
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var header = Data()
        header.append(contentsOf: bigEndian(UInt32(width)))
        header.append(contentsOf: bigEndian(UInt32(height)))
        header.append(contentsOf: [bitDepth, 0, 0, 0, 0])  // grayscale, deflate, no filter, no interlace
        png.append(chunk("IHDR", header))
        png.append(chunk("IDAT", zlibStored(rows)))
        png.append(chunk("IEND", Data()))
        return png
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func chunk(_ type: String, _ data: Data) -> Data {
        var out = Data(bigEndian(UInt32(data.count)))
        let body = Data(type.utf8) + data
        out.append(body)
        out.append(contentsOf: bigEndian(crc32(body)))
        return out
    }

    static func zlibStored(_ bytes: [UInt8]) -> Data {
        var out = Data([0x78, 0x01])
        var offset = 0
        repeat {
            let length = min(65_535, bytes.count - offset)
            let final: UInt8 = offset + length >= bytes.count ? 1 : 0
            out.append(final)
            out.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)])
            out.append(contentsOf: bytes[offset..<offset + length])
            offset += length
        } while offset < bytes.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        out.append(contentsOf: bigEndian(b << 16 | a))
        return out
    }

    static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
