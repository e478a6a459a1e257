package org.myelin.bench;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders results as a human table and as one JSON document. */
public final class Report {
    private Report() {}

    public static String json(Map<String, Object> header, List<Result> results) throws IOException {
        ObjectNode root = MatrixClient.JSON.createObjectNode();
        header.forEach((k, v) -> root.set(k, MatrixClient.JSON.valueToTree(v)));
        ArrayNode arr = root.putArray("results");
        for (Result r : results) {
            ObjectNode o = arr.addObject();
            o.put("scenario", r.scenario());
            o.put("db", r.db());
            o.set("params", MatrixClient.JSON.valueToTree(r.params()));
            ArrayNode ms = o.putArray("metrics");
            for (Result.Metric m : r.metrics()) {
                ObjectNode mo = ms.addObject();
                mo.put("name", m.name());
                mo.put("value", round(m.value()));
                mo.put("unit", m.unit());
                if (m.target() != null) {
                    mo.put("target", m.target());
                    mo.put("higher_is_better", m.higherIsBetter());
                    mo.put("ratio_to_target", round(m.ratio()));
                    mo.put("met", m.met());
                }
                if (m.reference() != null) mo.put("reference", m.reference());
            }
            o.set("notes", MatrixClient.JSON.valueToTree(r.notes()));
        }
        return MatrixClient.JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    }

    public static String table(List<Result> results) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"scenario", "db", "metric", "value", "unit", "target", "ratio", "ok", "reference"});
        for (Result r : results) {
            for (Result.Metric m : r.metrics()) {
                rows.add(new String[] {r.scenario(), r.db(), m.name(), fmt(m.value()), m.unit(),
                        m.target() == null ? "" : (m.higherIsBetter() ? ">= " : "< ") + fmt(m.target()),
                        m.ratio() == null ? "" : String.format(Locale.ROOT, "%.2f", m.ratio()),
                        m.met() == null ? "" : m.met() ? "yes" : "NO",
                        m.reference() == null ? "" : fmt(m.reference())});
            }
        }
        int[] w = new int[rows.get(0).length];
        for (String[] row : rows) for (int i = 0; i < row.length; i++) w[i] = Math.max(w[i], row[i].length());
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < rows.size(); k++) {
            String[] row = rows.get(k);
            for (int i = 0; i < row.length; i++) {
                boolean numeric = i == 3 || i == 6;
                String cell = numeric ? " ".repeat(w[i] - row[i].length()) + row[i] : row[i] + " ".repeat(w[i] - row[i].length());
                sb.append(cell).append(i + 1 < row.length ? "  " : "");
            }
            sb.append('\n');
            if (k == 0) {
                for (int i = 0; i < w.length; i++) sb.append("-".repeat(w[i])).append(i + 1 < w.length ? "  " : "");
                sb.append('\n');
            }
        }
        for (Result r : results) {
            StringBuilder p = new StringBuilder();
            r.params().forEach((k, v) -> p.append(p.isEmpty() ? "" : ", ").append(k).append('=').append(v));
            sb.append("params (").append(r.scenario()).append(", ").append(r.db()).append("): ").append(p).append('\n');
        }
        for (Result r : results) for (String n : r.notes()) sb.append("note (").append(r.scenario()).append(", ").append(r.db()).append("): ").append(n).append('\n');
        return sb.toString();
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) return "n/a";
        if (v == Math.rint(v) && Math.abs(v) < 1e12) return Long.toString((long) v);
        if (Math.abs(v) >= 100) return String.format(Locale.ROOT, "%.0f", v);
        if (Math.abs(v) >= 10) return String.format(Locale.ROOT, "%.1f", v);
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static double round(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 1000) / 1000.0;
    }
}
