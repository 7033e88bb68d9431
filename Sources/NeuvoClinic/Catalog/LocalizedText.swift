import NeuvoJSON

/// The languages every resident-facing text is written in.
public enum Language: String, Sendable, CaseIterable {
    case fi, sv, en
}

/// A text in Finnish, Swedish and English; the catalog must give all three.
public struct LocalizedText: Sendable, Equatable {
    public let fi: String
    public let sv: String
    public let en: String

    public init(fi: String, sv: String, en: String) {
        self.fi = fi
        self.sv = sv
        self.en = en
    }

    public subscript(language: Language) -> String {
        switch language {
        case .fi: return fi
        case .sv: return sv
        case .en: return en
        }
    }

    public var json: JSONValue { .object(["fi": .string(fi), "sv": .string(sv), "en": .string(en)]) }

    init(_ cursor: JSONCursor, maxLength: Int = 2000) throws(CatalogError) {
        _ = try cursor.object(allowed: ["fi", "sv", "en"])
        fi = try cursor["fi"].string(maxLength: maxLength)
        sv = try cursor["sv"].string(maxLength: maxLength)
        en = try cursor["en"].string(maxLength: maxLength)
    }
}
