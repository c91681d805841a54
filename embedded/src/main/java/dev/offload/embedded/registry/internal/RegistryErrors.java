package dev.offload.embedded.registry.internal;

import dev.offload.schemas.registry.RegistryException;

/** The registry's refusals and failures, with Confluent's HTTP statuses, codes and wording. */
final class RegistryErrors {
  /** Confluent's code for a subject deletion the registry does not allow. */
  static final int OPERATION_NOT_PERMITTED = 42205;

  /** Confluent's code for a store operation that did not finish in time (HTTP 500). */
  static final int OPERATION_TIMEOUT = 50002;

  private RegistryErrors() {}

  static RegistryException subjectNotFound(String subject) {
    return new RegistryException(
        "Subject '" + subject + "' not found.", 404, RegistryException.SUBJECT_NOT_FOUND);
  }

  static RegistryException versionNotFound(String subject, int version) {
    return new RegistryException(
        "Version " + version + " not found in subject '" + subject + "'.",
        404,
        RegistryException.VERSION_NOT_FOUND);
  }

  static RegistryException schemaNotFound(String what) {
    return new RegistryException(what, 404, RegistryException.SCHEMA_NOT_FOUND);
  }

  static RegistryException subjectLevelNotConfigured(String subject) {
    return new RegistryException(
        "Subject '" + subject + "' does not have subject-level compatibility configured",
        404,
        RegistryException.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED);
  }

  static RegistryException invalidSchema(String detail) {
    return new RegistryException(
        "Invalid schema: " + detail, 422, RegistryException.INVALID_SCHEMA);
  }

  static RegistryException invalidVersion(String version) {
    return new RegistryException(
        "The specified version '"
            + version
            + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string"
            + " \"latest\"",
        422,
        RegistryException.INVALID_VERSION);
  }

  static RegistryException invalidLevel(String level) {
    return new RegistryException(
        "Invalid compatibility level '"
            + level
            + "'. Valid values are none, backward, forward, full, backward_transitive,"
            + " forward_transitive, and full_transitive",
        422,
        RegistryException.INVALID_COMPATIBILITY_LEVEL);
  }

  static RegistryException storeError(String message, Throwable cause) {
    return new RegistryException(
        "Error in the backend data store: " + message, 500, RegistryException.STORE_ERROR, cause);
  }
}
