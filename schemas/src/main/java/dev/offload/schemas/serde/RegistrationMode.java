package dev.offload.schemas.serde;

/** How a serializer finds the schema id it writes. */
public enum RegistrationMode {
  /** Registers the record's schema (a no-op when already there) and writes its id (default). */
  AUTO_REGISTER,
  /**
   * Looks the record's exact schema up in the subject and fails when it is not registered; for
   * producers that must not change the contract.
   */
  LOOKUP,
  /**
   * Writes with the subject's latest schema, converting the record to it by Avro schema resolution
   * when its own schema differs; for producers built against an older contract.
   */
  USE_LATEST
}
