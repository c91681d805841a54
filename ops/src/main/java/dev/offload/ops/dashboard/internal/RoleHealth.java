package dev.offload.ops.dashboard.internal;

import java.time.Instant;

/**
 * The answer of one named role check.
 *
 * @param name the role, as the check was given
 * @param up whether the check passed
 * @param detail why it failed (the exception of a check that threw), or {@code null}
 * @param checkedAt when the check last ran
 */
public record RoleHealth(String name, boolean up, String detail, Instant checkedAt) {}
