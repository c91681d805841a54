package dev.offload.runtime.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record component of a configuration file as a secret. {@link ConfigLoader} then refuses
 * it written in the file itself, reads it from the environment ({@code OFFLOAD_DATABASE_PASSWORD})
 * or from the file named by its {@code -file} sibling ({@code password-file}, or {@code
 * OFFLOAD_DATABASE_PASSWORD_FILE}), and {@link ConfigLoader#print} shows it as {@code ****}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.METHOD})
public @interface Secret {}
