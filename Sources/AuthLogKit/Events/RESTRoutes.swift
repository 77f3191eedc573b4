/// The REST route a request URI calls, as an application names it in its own log. For
/// WordPress (`api-prefix = /wp-json`, `api-route-query = /?rest_route= /index.php?rest_route=`
/// in `patterns/wordpress.conf`), `/wp-json/wp/v2/posts?x=1` and `/?rest_route=/wp/v2/posts`
/// both call `/wp/v2/posts`, which is what debug.log names. Nil for any other URI.
///
/// The prefixes and query keys are pattern data, gathered from every format that states them,
/// so that an access line pairs with the log of any application described in `patterns/`.
struct RESTRoutes: Sendable {
    /// `PREFIX/` of each API (`/wp-json/`): the route is what follows, with its leading slash.
    private let prefixes: [[UInt8]]
    /// A path and `KEY=`: with pretty permalinks off, the route travels in the query of that
    /// path, percent-encoded or not.
    private let queries: [(path: [UInt8], key: [UInt8])]

    init(formats: [FormatDefinition]) {
        prefixes = formats.compactMap(\.apiPrefix).map { Array(($0 + "/").utf8) }
        queries = formats.flatMap(\.apiRouteQueries).map { (Array($0.path.utf8), Array(($0.key + "=").utf8)) }
    }

    /// True when no format states an API: no line has a route.
    var isEmpty: Bool { prefixes.isEmpty && queries.isEmpty }

    func route(of uri: UnsafeRawBufferPointer) -> String? {
        let question = uri.firstIndex(of: UInt8(ascii: "?")) ?? uri.endIndex
        let path = UnsafeRawBufferPointer(rebasing: uri[..<question])
        for prefix in prefixes where path.starts(with: prefix) {
            return FieldDecoding.string(UnsafeRawBufferPointer(rebasing: path[(prefix.count - 1)...]))
        }
        guard question < uri.endIndex else { return nil }
        for query in queries where path.elementsEqual(query.path) {
            let parameters = uri[(question + 1)...]
            var start = parameters.startIndex
            while start < parameters.endIndex {
                let end = parameters[start...].firstIndex(of: UInt8(ascii: "&")) ?? parameters.endIndex
                let parameter = UnsafeRawBufferPointer(rebasing: uri[start..<end])
                if parameter.starts(with: query.key) {
                    return FieldDecoding.percentDecoded(UnsafeRawBufferPointer(rebasing: parameter[query.key.count...]))
                        .withUnsafeBytes(FieldDecoding.string)
                }
                start = end + 1
            }
        }
        return nil
    }
}
