import Foundation
import Testing

/// The HTML report laid out by a real browser: at a desktop's 1280 px and a phone's 390 px
/// nothing may be wider than the screen (issue 15: at 390 px only two columns of the findings
/// table could be seen). Headless Chromium will not make a window narrower than 500 px, so the
/// page is shown in an iframe of the width wanted, and a test copy of it (never the shipped
/// page, which has no script) writes its own scroll width into the outer page's DOM.
@Suite struct HTMLReportLayoutTests {
    let cli = CommandLineTests()
    static let chromium = "/usr/bin/chromium"

    /// "scrollWidth clientWidth" of `page` shown `width` px wide.
    func laidOutWidths(of page: String, width: Int) throws -> (scroll: Int, client: Int) {
        let directory = try ExternalTool.temporaryDirectory("html-layout")
        defer { try? FileManager.default.removeItem(at: directory) }
        let measure = "<script>parent.document.body.setAttribute(\"data-widths\", document.documentElement.scrollWidth"
            + " + \" \" + document.documentElement.clientWidth)</script></body>"
        try #require(page.contains("</body>"))
        try Data(page.replacingOccurrences(of: "</body>", with: measure).utf8).write(to: directory.appendingPathComponent("report.html"))
        try Data(("<html><body style=\"margin:0\"><iframe src=\"report.html\" style=\"width:\(width)px;height:900px;border:0\">"
                  + "</iframe></body></html>").utf8).write(to: directory.appendingPathComponent("frame.html"))
        let run = try ExternalTool.run(Self.chromium, ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                                      "--allow-file-access-from-files", "--window-size=1280,900",
                                                      "--user-data-dir=" + directory.appendingPathComponent("profile").path,
                                                      "--dump-dom", directory.appendingPathComponent("frame.html").absoluteString])
        let match = try #require(run.stdout.firstMatch(of: /data-widths="(\d+) (\d+)"/), "chromium said: \(run.stderr.suffix(400))")
        return (Int(match.1)!, Int(match.2)!)
    }

    func expectFits(_ arguments: [String]) throws {
        #expect(ExternalTool.exists(Self.chromium), "chromium missing: apt-get install chromium")
        let page = try cli.run(arguments).stdout
        for width in [1280, 390] {
            let widths = try laidOutWidths(of: page, width: width)
            #expect(widths.client == width, "the frame is \(widths.client) px, not \(width)")
            #expect(widths.scroll <= widths.client, "\(arguments.joined(separator: " ")) is \(widths.scroll) px wide on a \(width) px screen")
        }
    }

    @Test func summaryPageFitsADesktopAndAPhone() throws {
        try expectFits(["summary", "-o", "html", "samples/"])
    }

    @Test func scanPageFitsADesktopAndAPhone() throws {
        try expectFits(["scan", "-o", "html", "samples/"])
    }

    /// The page is made of boxes an admin acts on: the figures first, one card per address,
    /// the advice once per kind, evidence folded away, the ban list to copy.
    @Test func scanPageHasTilesCardsPerAddressAndABlockBox() throws {
        let page = try cli.run(["scan", "-o", "html", "samples/"]).stdout
        for label in ["failed requests", "attacking addresses", "accounts targeted", "things to fix"] {
            #expect(page.contains("<span class=\"label\">\(label)</span>"))
        }
        #expect(page.contains("<h2>Block these</h2>"))
        #expect(page.contains("<details><summary>evidence"))
        #expect(page.contains("<h3>Which layer refused</h3>"))
        #expect(page.contains("<svg class=\"spark\""))
        #expect(!page.contains("New offenders"), "scan has no previous run")
        // One card per key: no key is the heading of two cards.
        let headings = page.matches(of: /<article class="card [a-z]+"><h3><span class="key">([^<]*)<\/span> <span class="dim">([a-z]+)</).map { "\($0.2) \($0.1)" }
        #expect(!headings.isEmpty)
        #expect(Set(headings).count == headings.count, "a key has two cards: \(headings)")
    }
}
