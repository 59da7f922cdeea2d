package dev.margincall.chain;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Classifies RPC failures by code and message, as the common providers and nodes word them. The texts
 * are matched lower-case and by fragment, since providers reword their messages over time.
 */
public final class RpcErrors {

    private static final Pattern HTTP_STATUS = Pattern.compile("invalid response received: (\\d{3})");

    /** eth_getLogs asked for too much; each fragment is from a provider's or node's own message. */
    static final List<String> RANGE_TOO_LARGE = List.of(
            "query returned more than",            // Infura, geth-based: "query returned more than 10000 results"
            "log response size exceeded",          // Alchemy
            "response size exceeded",              // Alchemy, Ankr
            "block range is too wide",             // Nethermind, Chainstack
            "block range too large",
            "exceed maximum block range",          // geth-based public nodes: "exceed maximum block range: 5000"
            "range exceeds",
            "max range",
            "limited to a 10,000 range",           // QuickNode: "eth_getLogs is limited to a 10,000 range"
            "is limited to",
            "too many results",
            "too many logs",
            "returned more than",
            "range is too large",
            "query timeout exceeded",              // geth/erigon: the query ran too long
            "response is too big",
            "results exceeds",
            "ranges over");

    static final List<String> RATE_LIMITED = List.of(
            "rate limit", "too many requests", "limit exceeded", "capacity exceeded", "request count exceeded",
            "exceeded the quota", "throttled", "compute units");

    static final List<String> TRANSIENT = List.of(
            "header not found", "timeout", "timed out", "temporarily unavailable", "service unavailable", "bad gateway",
            "gateway", "connection reset", "connection refused", "failed to connect", "unexpected end", "unexpected eof",
            "end-of-input", "unrecognized token", "internal error", "missing trie node", "try again",
            "broken pipe", "stream was reset", "no response", "backend", "upstream");

    private RpcErrors() {
    }

    public static RpcErrorKind classify(Throwable error) {
        if (error instanceof CallRevertedException) {
            return RpcErrorKind.REVERTED;
        }
        String message = String.valueOf(error.getMessage()).toLowerCase(Locale.ROOT);
        if (containsAny(message, RANGE_TOO_LARGE)) {
            return RpcErrorKind.RANGE_TOO_LARGE;
        }
        Integer status = httpStatus(message);
        if (status != null) {
            return status == 429 ? RpcErrorKind.RATE_LIMITED : status >= 500 || status == 408 ? RpcErrorKind.TRANSIENT : RpcErrorKind.PERMANENT;
        }
        if (containsAny(message, RATE_LIMITED) || error instanceof RpcException rpc && (rpc.code() == -32005 || rpc.code() == 429)) {
            return RpcErrorKind.RATE_LIMITED;
        }
        if (error instanceof RpcException rpc && rpc.code() == RpcException.TRANSPORT) {
            return RpcErrorKind.TRANSIENT; // no answer at all, or one that did not parse
        }
        if (containsAny(message, TRANSIENT)) {
            return RpcErrorKind.TRANSIENT;
        }
        return RpcErrorKind.PERMANENT;
    }

    static Integer httpStatus(String lowerCaseMessage) {
        Matcher matcher = HTTP_STATUS.matcher(lowerCaseMessage);
        return matcher.find() ? Integer.valueOf(matcher.group(1)) : null;
    }

    private static boolean containsAny(String message, List<String> fragments) {
        for (String fragment : fragments) {
            if (message.contains(fragment)) {
                return true;
            }
        }
        return false;
    }
}
