package dev.margincall.report;

import java.util.Locale;

/** Small HTML-writing helpers: escaping (symbols and market names come from the chain) and display formats. */
final class Html {

    private Html() {
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    static String usd(double usd) {
        return String.format(Locale.US, "$%,.2f", usd);
    }

    static String count(long n) {
        return String.format(Locale.US, "%,d", n);
    }

    static String pct(double pct) {
        return String.format(Locale.US, "%.2f %%", pct);
    }
}
