import Foundation
import Testing

/// The .deb scripts/build-deb makes, checked as dpkg sees it and run as a server without Swift
/// would run it. A release build is too slow for a test, so the package is the one `.ci/run`
/// builds (AUTHLOG_DEB), or one built here from the release binary the README's Quick start
/// makes. With neither, the suite is skipped, except under CI=true, where it fails.
@Suite(.serialized) struct DebianPackageTests {
    static let environment = ProcessInfo.processInfo.environment
    static let releaseBinary = CommandLineTests.repositoryRoot.appendingPathComponent(".build/release/authlog")
    static let inCI = environment["CI"] == "true"
    static let available = environment["AUTHLOG_DEB"] != nil || FileManager.default.isExecutableFile(atPath: releaseBinary.path)

    /// The package under test, built once per run when `.ci/run` did not provide one.
    static let package: Result<URL, PackageError> = {
        if let path = environment["AUTHLOG_DEB"] {
            return FileManager.default.fileExists(atPath: path) ? .success(URL(fileURLWithPath: path))
                : .failure(PackageError("AUTHLOG_DEB=\(path) does not exist"))
        }
        guard FileManager.default.isExecutableFile(atPath: releaseBinary.path) else {
            return .failure(PackageError("no AUTHLOG_DEB and no \(releaseBinary.path): run .ci/run, or the Quick start's build first"))
        }
        do {
            let output = try ExternalTool.temporaryDirectory("deb")
            let build = try ExternalTool.run(CommandLineTests.repositoryRoot.appendingPathComponent("scripts/build-deb").path,
                                             ["--binary", releaseBinary.path, "--output", output.path, "--fast"])
            guard build.status == 0 else { return .failure(PackageError("scripts/build-deb: \(build.stderr)")) }
            return .success(URL(fileURLWithPath: build.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        } catch {
            return .failure(PackageError("scripts/build-deb: \(error)"))
        }
    }()

    struct PackageError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// The package installed by dpkg into a fresh, empty root (its maintainer scripts run
    /// outside it: the root holds no shell). Its dependencies are the host's, not the root's.
    func installed() throws -> URL {
        let deb = try Self.package.get()
        let root = try ExternalTool.temporaryDirectory("deb-root")
        for directory in ["var/lib/dpkg/updates", "var/lib/dpkg/info"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(directory), withIntermediateDirectories: true)
        }
        FileManager.default.createFile(atPath: root.appendingPathComponent("var/lib/dpkg/status").path, contents: nil)
        // --force-not-root: a developer may run the tests as themselves.
        let install = try dpkg(root, ["--force-not-root", "--force-script-chrootless", "--force-depends", "-i", deb.path])
        #expect(install.status == 0, "dpkg -i: \(install.stderr)")
        return root
    }

    func dpkg(_ root: URL, _ arguments: [String]) throws -> ExternalTool.Run {
        try ExternalTool.run("/usr/bin/dpkg", ["--root=\(root.path)", "--log=/dev/null"] + arguments)
    }

    // Packaging item 4: there was no package.
    @Test(.enabled(if: available || inCI, "needs AUTHLOG_DEB or .build/release/authlog (CI=true makes this a failure)"))
    func packageDependsOnlyOnPCRE2ISALZlibSystemdAndTheCLibrariesAndShipsEverything() throws {
        let deb = try Self.package.get()
        #expect(deb.lastPathComponent.hasPrefix("authlog_") && deb.lastPathComponent.hasSuffix("_amd64.deb"))
        let info = try ExternalTool.run("/usr/bin/dpkg-deb", ["-f", deb.path, "Package", "Version", "Architecture", "Depends"])
        #expect(info.status == 0, "\(info.stderr)")
        #expect(info.stdout.contains("Package: authlog\n"))
        #expect(info.stdout.contains("Architecture: amd64\n"))
        let depends = try #require(info.stdout.split(separator: "\n").first { $0.hasPrefix("Depends: ") })
        let packages = Set(depends.dropFirst("Depends: ".count).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        // libsystemd0: --journal reads the journal through libsystemd; libisal2: ISA-L inflates the .gz archives.
        #expect(packages == ["libc6", "libgcc-s1", "libstdc++6", "libpcre2-8-0", "libisal2", "zlib1g", "libsystemd0"], "\(depends)")

        let contents = try ExternalTool.run("/usr/bin/dpkg-deb", ["-c", deb.path]).stdout
        for path in ["./usr/bin/authlog", "./usr/share/man/man1/authlog.1.gz", "./usr/share/man/man1/authlog.scan.1.gz",
                     "./usr/share/man/man1/authlog.summary.1.gz", "./usr/share/bash-completion/completions/authlog",
                     "./usr/share/zsh/vendor-completions/_authlog", "./usr/share/fish/vendor_completions.d/authlog.fish",
                     "./lib/systemd/system/authlog-summary.service", "./lib/systemd/system/authlog-summary.timer",
                     "./lib/systemd/system/authlog-follow.service", "./etc/logrotate.d/authlog",
                     "./usr/share/doc/authlog/examples/cron.d-authlog"] {
            #expect(contents.contains(" " + path + "\n"), "the package lacks \(path)")
        }
        #expect(!contents.contains("/usr/local"), "a package installs below /usr only")
        let conffiles = try ExternalTool.run("/usr/bin/dpkg-deb", ["-I", deb.path, "conffiles"]).stdout
        #expect(conffiles.contains("/etc/logrotate.d/authlog"))
    }

    // Packaging item 2: the binary needed libswiftCore.so from /opt/swift on the server.
    @Test(.enabled(if: available || inCI, "needs AUTHLOG_DEB or .build/release/authlog (CI=true makes this a failure)"))
    func installedBinaryRunsWithTheSwiftToolchainHidden() throws {
        let root = try installed()
        defer { try? FileManager.default.removeItem(at: root) }
        let binary = root.appendingPathComponent("usr/bin/authlog").path
        let libraries = try ExternalTool.run("/usr/bin/ldd", [binary]).stdout
        #expect(!libraries.contains("libswift"), "\(libraries)")
        #expect(!libraries.contains("/opt/swift"), "\(libraries)")
        // Only what the package's Depends provide: libpcre2-8-0, libisal2, zlib1g, libstdc++6, libgcc-s1, libc6,
        // and libsystemd0 with the libraries it depends on itself (ldd lists those too).
        let needed = Set(libraries.split(separator: "\n").compactMap { $0.split(separator: " ").first }
            .map(String.init).filter { $0.hasPrefix("lib") })
        #expect(needed.isSubset(of: ["libpcre2-8.so.0", "libisal.so.2", "libz.so.1", "libstdc++.so.6", "libgcc_s.so.1", "libm.so.6", "libc.so.6",
                                     "libsystemd.so.0", "libcap.so.2", "libgcrypt.so.20", "libgpg-error.so.0", "liblz4.so.1",
                                     "liblzma.so.5", "libzstd.so.1"]),
                "\(needed.sorted())")
        // A mount namespace in which /opt/swift is an empty tmpfs: the server without Swift.
        let samples = CommandLineTests.repositoryRoot.appendingPathComponent("samples").path
        let script = "mount -t tmpfs none /opt/swift && test -z \"$(ls -A /opt/swift)\" && \"$0\" --version && \"$0\" scan \"$1\""
        // Not root: a user namespace in which the caller is root may mount too.
        let namespaces = getuid() == 0 ? ["--mount"] : ["--map-root-user", "--mount"]
        let run = try ExternalTool.run("/usr/bin/unshare", namespaces + ["/bin/sh", "-c", script, binary, samples], environment: ["TZ": "UTC"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("authlog "), "\(run.stdout.prefix(200))")
        #expect(run.stdout.contains("\nPCRE2 10."))
        #expect(run.stdout.contains("Who: top clients"), "\(run.stdout.prefix(300))")
    }

    // Packaging item 3: the units as the package installs them (ExecStart=/usr/bin/authlog)
    // are still rated safe.
    @Test(.enabled(if: available || inCI, "needs AUTHLOG_DEB or .build/release/authlog (CI=true makes this a failure)"))
    func packagedUnitsPointAtThePackagedBinaryAndStaySafe() throws {
        let root = try installed()
        defer { try? FileManager.default.removeItem(at: root) }
        for name in ["authlog-summary.service", "authlog-follow.service"] {
            let unit = root.appendingPathComponent("lib/systemd/system/" + name)
            let text = try String(contentsOf: unit, encoding: .utf8)
            #expect(text.contains("\nExecStart=/usr/bin/authlog "), "\(name)")
            let (exposure, output) = try UnitHardeningTests.exposure(of: unit)
            #expect(exposure <= 3.0, "\(name) rated \(exposure):\n\(output.suffix(2000))")
        }
    }

    // Packaging item 4: dpkg installs it, knows every file, and removes them again.
    @Test(.enabled(if: available || inCI, "needs AUTHLOG_DEB or .build/release/authlog (CI=true makes this a failure)"))
    func dpkgInstallsAndRemovesThePackageInAThrowawayRoot() throws {
        let root = try installed()
        defer { try? FileManager.default.removeItem(at: root) }
        let status = try dpkg(root, ["-s", "authlog"])
        #expect(status.stdout.contains("Status: install ok installed"), "\(status.stdout)\(status.stderr)")
        let listed = try dpkg(root, ["-L", "authlog"]).stdout
        for path in ["/usr/bin/authlog", "/lib/systemd/system/authlog-summary.timer", "/etc/logrotate.d/authlog"] {
            #expect(listed.contains(path + "\n"))
            #expect(FileManager.default.fileExists(atPath: root.path + path), "\(path) not installed")
        }
        let purge = try dpkg(root, ["--force-not-root", "--force-script-chrootless", "--purge", "authlog"])
        #expect(purge.status == 0, "dpkg --purge: \(purge.stderr)")
        for path in ["/usr/bin/authlog", "/etc/logrotate.d/authlog", "/usr/share/man/man1/authlog.1.gz"] {
            #expect(!FileManager.default.fileExists(atPath: root.path + path), "\(path) left after purge")
        }
    }
}
