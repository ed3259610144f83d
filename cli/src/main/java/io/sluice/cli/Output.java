package io.sluice.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Tables for people, JSON lines for scripts. */
final class Output {

    private static final JsonFormat.Printer ONE_LINE = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final JsonFormat.Printer INDENTED = JsonFormat.printer();

    private Output() {}

    static void rows(PrintWriter out, boolean json, List<String> columns, List<Map<String, String>> rows) {
        if (json) {
            for (Map<String, String> row : rows) {
                List<String> fields = new ArrayList<>();
                for (String column : columns) {
                    fields.add(quote(column) + ":" + quote(row.getOrDefault(column, "")));
                }
                out.println("{" + String.join(",", fields) + "}");
            }
            out.flush();
            return;
        }
        int[] widths = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            widths[i] = columns.get(i).length();
            for (Map<String, String> row : rows) {
                widths[i] = Math.max(widths[i], row.getOrDefault(columns.get(i), "").length());
            }
        }
        out.println(line(columns, widths));
        for (Map<String, String> row : rows) {
            out.println(line(columns.stream().map(c -> row.getOrDefault(c, "")).toList(), widths));
        }
        out.flush();
    }

    static void message(PrintWriter out, boolean json, MessageOrBuilder message) throws InvalidProtocolBufferException {
        out.println((json ? ONE_LINE : INDENTED).print(message));
        out.flush();
    }

    private static String line(List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            line.append(String.format("%-" + widths[i] + "s", cells.get(i)));
            if (i < cells.size() - 1) {
                line.append("  ");
            }
        }
        return line.toString().stripTrailing();
    }

    static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
