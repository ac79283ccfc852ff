import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes the text of an uploaded CSV: UTF-8 with or without a byte-order mark, or GB18030,
/// which WPS and Excel write on Chinese Windows (GBK and GB2312 are subsets of it).
public enum TextDecoding {
    public enum Encoding: String, Sendable {
        case utf8 = "UTF-8"
        case gb18030 = "GB18030"
    }

    /// The text and the encoding it was read in, or nil when it is neither.
    public static func decode(_ data: Data) -> (text: String, encoding: Encoding)? {
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if let text = String(validatingUTF8Bytes: bytes) { return (text, .utf8) }
        if let text = gb18030(bytes) { return (text, .gb18030) }
        return nil
    }

    /// Converts GB18030 bytes with the C library's iconv; nil when the bytes are not valid GB18030.
    static func gb18030(_ data: Data) -> String? {
        convert(data, from: "GB18030", to: "UTF-8").flatMap { String(validatingUTF8Bytes: $0) }
    }

    /// The text encoded as GB18030, as WPS and Excel save CSV on Chinese Windows.
    public static func encodeGB18030(_ text: String) -> Data? {
        convert(Data(text.utf8), from: "UTF-8", to: "GB18030")
    }

    /// Converts bytes between encodings with iconv; nil when the input is invalid in `from`.
    static func convert(_ data: Data, from: String, to: String) -> Data? {
        let converter = iconv_open(to, from)
        if converter == iconv_t(bitPattern: -1) { return nil }
        defer { iconv_close(converter) }
        var input = [CChar](repeating: 0, count: data.count)
        data.withUnsafeBytes { raw in
            for (i, byte) in raw.enumerated() { input[i] = CChar(bitPattern: byte) }
        }
        // Between UTF-8 and GB18030 a character never grows beyond twice its bytes.
        var output = [CChar](repeating: 0, count: data.count * 2 + 4)
        var inLeft = input.count
        var outLeft = output.count
        let status: Int = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer = inBuffer.baseAddress
                var outPointer = outBuffer.baseAddress
                return iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
            }
        }
        guard status != -1, inLeft == 0 else { return nil }
        return Data(output[0..<(output.count - outLeft)].map { UInt8(bitPattern: $0) })
    }
}

extension String {
    /// The string when the bytes are valid UTF-8, else nil (never a lossy repair).
    init?(validatingUTF8Bytes bytes: Data) {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var scalars = String.UnicodeScalarView()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .emptyInput: break loop
            case .error: return nil
            }
        }
        self = String(scalars)
    }
}
