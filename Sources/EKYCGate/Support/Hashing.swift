import EKYCCrypto

/// SHA-256 hex of a string: the one digest the handlers derive names and bindings from.
func sha256Hex(_ text: String) -> String { SHA256.hexHash(text) }
