/// The WordPress REST route a request URI calls, as plugins name it in debug.log:
/// `/wp-json/wp/v2/posts?x=1` and `/?rest_route=/wp/v2/posts` both call `/wp/v2/posts`.
/// Nil for any other URI.
enum RESTRoute {
    static func of(uri: UnsafeRawBufferPointer) -> String? {
        let question = uri.firstIndex(of: UInt8(ascii: "?")) ?? uri.endIndex
        let path = UnsafeRawBufferPointer(rebasing: uri[..<question])
        if path.starts(with: prefix) {
            return FieldDecoding.string(UnsafeRawBufferPointer(rebasing: path[(prefix.count - 1)...]))
        }
        // Pretty permalinks off: the route travels in the query, percent-encoded or not.
        guard question < uri.endIndex, path.elementsEqual("/".utf8) || path.elementsEqual("/index.php".utf8) else {
            return nil
        }
        let query = uri[(question + 1)...]
        var start = query.startIndex
        while start < query.endIndex {
            let end = query[start...].firstIndex(of: UInt8(ascii: "&")) ?? query.endIndex
            let parameter = UnsafeRawBufferPointer(rebasing: uri[start..<end])
            if parameter.starts(with: key) {
                return percentDecoded(UnsafeRawBufferPointer(rebasing: parameter[key.count...]))
            }
            start = end + 1
        }
        return nil
    }

    private static let prefix = Array("/wp-json/".utf8)
    private static let key = Array("rest_route=".utf8)

    private static func percentDecoded(_ bytes: UnsafeRawBufferPointer) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out.withUnsafeBytes(FieldDecoding.string)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
