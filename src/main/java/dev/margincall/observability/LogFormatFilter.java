package dev.margincall.observability;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Lets one of logback.xml's two console appenders (text, json) through, by MARGIN_CALL_LOG_FORMAT.
 * Why a filter rather than {@code <appender-ref ref="${MARGIN_CALL_LOG_FORMAT}"/>}: logback warns about
 * the appender left unreferenced, and any warning makes it print its whole configuration status on
 * every start; {@code <if>} would need janino. Anything but "json" means text, so a typo never silences
 * the logs.
 */
public final class LogFormatFilter extends Filter<ILoggingEvent> {

    private String format = "text";
    private String selected = "text";
    private boolean active;

    /** The format of the appender this filter guards: text or json. */
    public void setFormat(String format) {
        this.format = format;
    }

    /** The format asked for (the value of MARGIN_CALL_LOG_FORMAT). */
    public void setSelected(String selected) {
        this.selected = selected;
    }

    static String effective(String selected) {
        return selected != null && selected.strip().equalsIgnoreCase("json") ? "json" : "text";
    }

    @Override
    public void start() {
        active = format.equals(effective(selected));
        super.start();
    }

    @Override
    public FilterReply decide(ILoggingEvent event) {
        return active ? FilterReply.NEUTRAL : FilterReply.DENY;
    }
}
