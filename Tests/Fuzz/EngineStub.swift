// For the head-parser target only: `Response.swift` names the engine's parked
// request in `Park`; the parser never parks, so an empty type stands in for it.
public final class ParkedRequest: Sendable {}
