/// The layer that refused an access line nobody explained, from its URL alone, as the
/// pattern files say: the layer of the detail format whose `application-paths` hold its path
/// (WordPress's `/wp-admin`…), or, for a REST route (which only an application's log names),
/// of the detail format whose rules pair by route. Nil when no format claims the URL.
struct URLLayers {
    private let routeLayer: RefusingLayer?
    private let pathLayers: [(paths: URLPaths, layer: RefusingLayer)]

    init(_ patterns: PatternSet) {
        let claiming = patterns.formats.filter { $0.role == .detail && $0.layer != nil }
        routeLayer = claiming.first { $0.rules.contains { $0.pairBy == .route } }?.layer
        pathLayers = claiming.filter { !$0.applicationPaths.isEmpty }.map { ($0.applicationPaths, $0.layer!) }
    }

    func layer(path: String?, route: String?) -> RefusingLayer? {
        if route != nil, let routeLayer { return routeLayer }
        guard let path else { return nil }
        return pathLayers.first { $0.paths.contains(path) }?.layer
    }
}
