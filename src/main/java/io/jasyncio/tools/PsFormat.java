package io.jasyncio.tools;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lays out what {@link LoopReader} read: {@link #ps} as a table per loop (asyncio 3.14's
 * {@code python -m asyncio ps}), {@link #pstree} as the await tree, each task under the tasks that
 * await it, with its stack ({@code python -m asyncio pstree}). Stateless.
 */
final class PsFormat {
    private static final String[] HEADER = {"id", "name", "state", "awaits", "where"};

    private PsFormat() {
    }

    /** A header line per loop, then a row per task: id, name, state, what it awaits, where it waits. */
    static String ps(List<LoopView> loops) {
        StringBuilder sb = new StringBuilder();
        for (LoopView loop : loops) {
            if (!sb.isEmpty()) sb.append('\n');
            header(sb, loop);
            List<String[]> rows = new ArrayList<>();
            rows.add(HEADER);
            for (LoopView.TaskView t : loop.tasks()) rows.add(new String[] {t.id(), t.name(), t.state(), t.awaits(), t.where()});
            if (loop.tasks().isEmpty()) continue;
            int[] width = new int[HEADER.length];
            for (String[] r : rows) for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());
            for (String[] r : rows) {
                StringBuilder line = new StringBuilder("  ");
                for (int i = 0; i < r.length; i++) {
                    line.append(r[i]);
                    if (i < r.length - 1) line.append(" ".repeat(width[i] - r[i].length() + 2));
                }
                sb.append(line.toString().stripTrailing()).append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * Per loop, the tasks that nobody awaits at the roots and under each task the tasks it awaits,
     * each with its stack, innermost frame first. A task awaited by two tasks appears under both; a
     * cycle of tasks awaiting each other (a deadlock) is cut and marked.
     */
    static String pstree(List<LoopView> loops) {
        StringBuilder sb = new StringBuilder();
        for (LoopView loop : loops) {
            if (!sb.isEmpty()) sb.append('\n');
            header(sb, loop);
            Map<String, LoopView.TaskView> byId = new LinkedHashMap<>();
            for (LoopView.TaskView t : loop.tasks()) byId.put(t.id(), t);
            Map<String, List<LoopView.TaskView>> awaited = new LinkedHashMap<>();
            List<LoopView.TaskView> roots = new ArrayList<>();
            for (LoopView.TaskView t : loop.tasks()) {
                boolean hasAwaiter = false;
                for (String a : t.awaitedBy()) {
                    if (!byId.containsKey(a)) continue;
                    awaited.computeIfAbsent(a, k -> new ArrayList<>()).add(t);
                    hasAwaiter = true;
                }
                if (!hasAwaiter) roots.add(t);
            }
            List<LoopView.TaskView> tops = new ArrayList<>(roots);
            for (LoopView.TaskView t : loop.tasks()) {
                if (!reachable(t, tops, awaited)) tops.add(t);   // in a cycle only: start it there
            }
            for (int i = 0; i < tops.size(); i++) {
                node(sb, tops.get(i), "", i == tops.size() - 1, awaited, new HashSet<>());
            }
        }
        return sb.toString();
    }

    private static void node(StringBuilder sb, LoopView.TaskView t, String prefix, boolean last,
            Map<String, List<LoopView.TaskView>> awaited, Set<String> path) {
        sb.append(prefix).append(last ? "└── " : "├── ").append("(T) ").append(t.name()).append("  [").append(t.state());
        if (!t.awaits().isEmpty()) sb.append(", awaits ").append(t.awaits());
        sb.append("]");
        String inner = prefix + (last ? "    " : "│   ");
        if (!path.add(t.id())) {
            sb.append("  (cycle: it awaits a task that awaits it)\n");
            return;
        }
        sb.append('\n');
        List<LoopView.TaskView> children = awaited.getOrDefault(t.id(), List.of());
        for (String frame : t.stack()) {
            sb.append(inner).append(children.isEmpty() ? "    " : "│   ").append("at ").append(frame).append('\n');
        }
        for (int i = 0; i < children.size(); i++) {
            node(sb, children.get(i), inner, i == children.size() - 1, awaited, path);
        }
        path.remove(t.id());
    }

    /** Whether {@code t} hangs under one of {@code roots}. */
    private static boolean reachable(LoopView.TaskView t, List<LoopView.TaskView> roots, Map<String, List<LoopView.TaskView>> awaited) {
        Set<String> seen = new HashSet<>();
        List<LoopView.TaskView> todo = new ArrayList<>(roots);
        while (!todo.isEmpty()) {
            LoopView.TaskView x = todo.removeLast();
            if (x == t) return true;
            if (seen.add(x.id())) todo.addAll(awaited.getOrDefault(x.id(), List.of()));
        }
        return false;
    }

    private static void header(StringBuilder sb, LoopView loop) {
        sb.append(loop.name()).append(": ").append(loop.state());
        if (!loop.thread().isEmpty()) sb.append(" on thread ").append(loop.thread());
        sb.append(", engine ").append(loop.engine()).append(", ticks ").append(loop.ticks()).append(", ready ").append(loop.ready()).append(", timers ")
                .append(loop.timers()).append(", tasks ").append(loop.taskCount()).append('\n');
        if (!loop.note().isEmpty()) sb.append("  note: ").append(loop.note()).append('\n');
    }
}
