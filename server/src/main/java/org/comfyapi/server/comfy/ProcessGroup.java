package org.comfyapi.server.comfy;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The process group of a child launched through {@code setsid}: the child and everything it starts,
 * including processes whose parent has already died (they are no longer our descendants).
 */
final class ProcessGroup {
    static final int SIGTERM = 15;
    static final int SIGKILL = 9;
    private static final Path PROC = Path.of("/proc");
    private static final Optional<Path> SETSID = Stream.of("/usr/bin/setsid", "/bin/setsid")
            .map(Path::of).filter(Files::isExecutable).findFirst();
    private static final MethodHandle KILL = Linker.nativeLinker().defaultLookup().find("kill")
            .map(symbol -> Linker.nativeLinker().downcallHandle(symbol,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)))
            .orElse(null);

    private final long id;

    ProcessGroup(long id) {
        this.id = id;
    }

    /** The command run as the leader of a new session and process group, when the system can do that. */
    static List<String> leading(List<String> command) {
        if (SETSID.isEmpty() || KILL == null || !Files.isDirectory(PROC)) return command;
        return Stream.concat(Stream.of(SETSID.get().toString()), command.stream()).toList();
    }

    static boolean supported(List<String> launched) {
        return SETSID.isPresent() && KILL != null && !launched.isEmpty() && launched.getFirst().equals(SETSID.get().toString());
    }

    long id() {
        return id;
    }

    /** Live members (zombies waiting to be reaped do not count). */
    List<Long> members() {
        try (Stream<Path> entries = Files.list(PROC)) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(name -> !name.isEmpty() && name.chars().allMatch(Character::isDigit))
                    .filter(this::isLiveMember)
                    .map(Long::parseLong)
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private boolean isLiveMember(String pid) {
        try {
            String stat = Files.readString(PROC.resolve(pid).resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return !fields[0].equals("Z") && !fields[0].equals("X") && Long.parseLong(fields[2]) == id;
        } catch (IOException | RuntimeException e) {
            return false; // gone while we looked
        }
    }

    void signal(int signal) {
        try {
            int ignored = (int) KILL.invokeExact((int) -id, signal);
        } catch (Throwable e) {
            throw new IllegalStateException("kill(" + -id + ", " + signal + ") failed", e);
        }
    }

    /** TERM, then KILL for whatever is left after the grace period; true when the group is empty at the end. */
    boolean stop(Duration grace) {
        if (members().isEmpty()) return true;
        signal(SIGTERM);
        if (awaitEmpty(grace)) return true;
        signal(SIGKILL);
        return awaitEmpty(grace);
    }

    private boolean awaitEmpty(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!members().isEmpty()) {
            if (System.nanoTime() > deadline) return false;
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return members().isEmpty();
            }
        }
        return true;
    }
}
