import CPCRE2

/// The version of the libpcre2-8 linked at run time (not the headers built against), as
/// PCRE2 states it: "10.42 2022-12-11".
public func pcre2LibraryVersion() -> String {
    let length = pcre2_config_8(UInt32(PCRE2_CONFIG_VERSION), nil)
    guard length > 0 else { return "unknown" }
    // PCRE2_CONFIG_VERSION's length is in code units and includes the terminating zero.
    var buffer = [UInt8](repeating: 0, count: Int(length))
    let written = buffer.withUnsafeMutableBytes { pcre2_config_8(UInt32(PCRE2_CONFIG_VERSION), $0.baseAddress) }
    guard written > 0 else { return "unknown" }
    return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
}
