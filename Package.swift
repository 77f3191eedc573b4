// swift-tools-version:6.0
import PackageDescription

// authlog: who fails to authenticate, where, and why.
//
// The shape follows the data flow. CPCRE2 is the C library, PCRE2 the only Swift code that
// touches it (as SystemdJournal is for CSystemd, libsystemd's journal reader), AuthLogKit does all the work (input → lines → classify → events → aggregate →
// report), and `authlog` only parses arguments. The pattern files in patterns/ are compiled
// into the binary by the EmbedPatterns plugin, so the tool is one self-contained file while
// the rules stay data that is reviewed, tested and extended as text.
let package = Package(
    name: "authlog",
    products: [
        .executable(name: "authlog", targets: ["authlog"]),
        .library(name: "AuthLogKit", targets: ["AuthLogKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]
        ),
        // zlib, to stream rotated .gz archives without temporary files.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // ISA-L, Intel's storage library: its inflate reads the .gz archives at several times
        // zlib's speed; zlib stays the fallback for the gzip headers ISA-L refuses.
        .systemLibrary(
            name: "CISAL",
            pkgConfig: "libisal",
            providers: [.apt(["libisal-dev"])]
        ),
        // libsystemd, to read the journal directly (`--journal`): its files, the cursor as a
        // checkpoint, and sd_journal's wake-ups for follow.
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        .target(name: "PCRE2", dependencies: ["CPCRE2"]),
        // The only Swift code that touches CSystemd, as PCRE2 is for CPCRE2.
        .target(name: "SystemdJournal", dependencies: ["CSystemd"]),
        // memmem/memrchr from glibc, which Swift cannot see without _GNU_SOURCE.
        .target(name: "CByteSearch"),
        .executableTarget(name: "embed-patterns", path: "Plugins/EmbedPatternsTool"),
        .plugin(
            name: "EmbedPatterns",
            capability: .buildTool(),
            dependencies: ["embed-patterns"]
        ),
        // The git commit a binary is built from, for --version ("unknown" without git).
        .plugin(name: "EmbedBuildInfo", capability: .buildTool()),
        .target(
            name: "AuthLogKit",
            dependencies: ["PCRE2", "CByteSearch", "CZlib", "CISAL", "SystemdJournal"],
            plugins: ["EmbedPatterns"]
        ),
        .executableTarget(
            name: "authlog",
            dependencies: [
                "AuthLogKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            plugins: ["EmbedBuildInfo"]
        ),
        // The fuzzing harness (scripts/fuzz builds it with -sanitize=fuzzer,address -DFUZZING;
        // a normal build replays inputs named on its command line).
        .executableTarget(name: "authlog-fuzz", dependencies: ["AuthLogKit"]),
        .testTarget(name: "PCRE2Tests", dependencies: ["PCRE2"]),
        .testTarget(name: "AuthLogKitTests", dependencies: ["AuthLogKit"]),
        // Runs the built `authlog` binary as a user would: exit statuses, streams, escaping.
        .testTarget(name: "AuthlogCLITests", dependencies: ["authlog"]),
    ]
)
