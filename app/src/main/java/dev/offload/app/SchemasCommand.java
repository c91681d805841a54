package dev.offload.app;

import dev.offload.schemas.EventTypes;
import dev.offload.schemas.Topics;
import dev.offload.schemas.registry.CompatibilityResult;
import dev.offload.schemas.registry.RegistryException;
import dev.offload.schemas.registry.SchemaRegistry;
import dev.offload.schemas.registry.SchemaVersion;
import dev.offload.schemas.serde.SubjectNameStrategy;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code offload schemas register|list|check}: the event types' Avro schemas in the schema
 * registry. A type's schema lives under subject {@code offload.events.<type>-value}.
 */
@Command(
    name = "schemas",
    mixinStandardHelpOptions = true,
    description = {
      "Manage the Avro schemas of event types in the schema registry (Confluent REST API).",
      "An event type exists once subject offload.events.<type>-value has a version; the API",
      "validates published data against its latest version."
    },
    subcommands = {
      SchemasCommand.Register.class,
      SchemasCommand.ListSubjects.class,
      SchemasCommand.Check.class
    })
final class SchemasCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code offload schemas register <type> <file.avsc>}. */
  @Command(
      name = "register",
      mixinStandardHelpOptions = true,
      description = {
        "Register a schema for an event type, as the next version of offload.events.<type>-value.",
        "Refused, listing each incompatibility, when the subject's compatibility level forbids it;",
        "registering a schema the subject already has changes nothing."
      })
  static final class Register implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TypeAndFile target;
    @Mixin RegistryOption registry;

    @Override
    public Integer call() {
      String subject = target.subject(spec);
      Schema schema = target.schema();
      SchemaRegistry client = registry.client();
      PrintWriter out = spec.commandLine().getOut();
      try {
        int id = client.register(subject, schema);
        int version = client.lookup(subject, schema).version();
        out.printf(
            "Registered %s as version %d of %s, schema id %d%n", target.file, version, subject, id);
        return 0;
      } catch (RegistryException e) {
        if (!e.is(RegistryException.INCOMPATIBLE_SCHEMA)) {
          throw e;
        }
        CompatibilityResult result = client.testCompatibility(subject, schema);
        printIncompatible(spec.commandLine().getErr(), subject, client, result, e.getMessage());
        return 1;
      }
    }
  }

  /** {@code offload schemas list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the registry's subjects with their event type, latest version and id.")
  static final class ListSubjects implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin RegistryOption registry;

    @Override
    public Integer call() {
      SchemaRegistry client = registry.client();
      PrintWriter out = spec.commandLine().getOut();
      List<String> subjects = client.subjects();
      if (subjects.isEmpty()) {
        out.println("No subjects in the schema registry at " + registry.display());
        return 0;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"SUBJECT", "EVENT TYPE", "VERSION", "ID"});
      for (String subject : subjects) {
        SchemaVersion latest = client.latest(subject);
        rows.add(
            new String[] {
              subject,
              eventTypeOf(subject),
              Integer.toString(latest.version()),
              Integer.toString(latest.id())
            });
      }
      printTable(out, rows);
      return 0;
    }

    private static String eventTypeOf(String subject) {
      String suffix = "-value";
      String type =
          subject.endsWith(suffix)
              ? Topics.eventTypeOf(subject.substring(0, subject.length() - suffix.length()))
              : null;
      return type == null ? "-" : type;
    }

    private static void printTable(PrintWriter out, List<String[]> rows) {
      int[] widths = new int[rows.get(0).length];
      for (String[] row : rows) {
        for (int i = 0; i < row.length; i++) {
          widths[i] = Math.max(widths[i], row[i].length());
        }
      }
      for (String[] row : rows) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < row.length; i++) {
          line.append(
              i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
        }
        out.println(line);
      }
    }
  }

  /** {@code offload schemas check <type> <file.avsc>}. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Test whether a schema could be registered for an event type, without registering it.",
        "Prints each incompatibility and exits with 1 when the subject's compatibility level",
        "(BACKWARD unless configured otherwise) forbids it."
      })
  static final class Check implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TypeAndFile target;
    @Mixin RegistryOption registry;

    @Override
    public Integer call() {
      String subject = target.subject(spec);
      Schema schema = target.schema();
      SchemaRegistry client = registry.client();
      CompatibilityResult result;
      try {
        result = client.testCompatibility(subject, schema);
      } catch (RegistryException e) {
        if (!e.is(RegistryException.SUBJECT_NOT_FOUND)) {
          throw e;
        }
        result =
            CompatibilityResult.COMPATIBLE; // Confluent's answer for a subject without versions
      }
      if (!result.compatible()) {
        printIncompatible(spec.commandLine().getOut(), subject, client, result, null);
        return 1;
      }
      spec.commandLine()
          .getOut()
          .printf(
              "Compatible: %s can be registered as the next version of %s (compatibility %s)%n",
              target.file, subject, client.compatibility(subject));
      return 0;
    }
  }

  /** The positional parameters of {@code register} and {@code check}. */
  static final class TypeAndFile {
    @Parameters(index = "0", paramLabel = "TYPE", description = "Event type, e.g. invoice-paid")
    String type;

    @Parameters(index = "1", paramLabel = "FILE", description = "Avro schema file (.avsc)")
    Path file;

    String subject(CommandSpec spec) {
      try {
        EventTypes.requireValid(type);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
      }
      return SubjectNameStrategy.TOPIC_NAME.subject(Topics.events(type), false, null);
    }

    Schema schema() {
      String text;
      try {
        text = Files.readString(file);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + file + ": " + e, e);
      }
      try {
        return new Schema.Parser().parse(text);
      } catch (SchemaParseException e) {
        throw new IllegalArgumentException(
            file + " is not a valid Avro schema: " + e.getMessage(), e);
      }
    }
  }

  private static void printIncompatible(
      PrintWriter to,
      String subject,
      SchemaRegistry client,
      CompatibilityResult result,
      String fallback) {
    to.printf(
        "Incompatible with the versions of %s (compatibility %s):%n",
        subject, client.compatibility(subject));
    if (result.messages().isEmpty()) {
      to.println("  - " + (fallback == null ? "the registry gave no details" : fallback));
    }
    result.messages().forEach(message -> to.println("  - " + message));
    to.flush();
  }
}
