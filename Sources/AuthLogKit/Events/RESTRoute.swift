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
        FieldDecoding.percentDecoded(bytes).withUnsafeBytes(FieldDecoding.string)
    }
}
