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

    /**
     * eth_getLogs asked for too much. Fragments of the messages of: Alchemy ("Log response size exceeded ...
     * this block range should work: [0x.., 0x..]"), Infura ("query returned more than 10000 results. Try with
     * this block range [..]", "query timeout exceeded"), QuickNode (HTTP 413, "eth_getLogs is limited to a
     * 10,000 range"), Ankr ("block range is too wide", "query exceeds max results"), Chainstack ("Block range
     * limit exceeded"), Cloudflare ("range too large. Max range: 800"), thirdweb ("bigger than range limit"),
     * BSC/publicnode ("exceed maximum block range: 5000"), reth/drpc/BlastAPI ("query exceeds max results N,
     * retry with the range A-B", "query exceeds max block range"), Erigon ("narrow your filter"), Arbitrum
     * ("logs matched by query exceeds limit"), Base/Optimism ("backend response too large"), Coinbase
     * ("please limit the query to at most N blocks"), BlockPI/1rpc/Blast ("is limited to"). Sources: the
     * providers' error references and the parsers of ponder (getLogsRetryHelper) and foundry issue #12687.
     */
    static final List<String> RANGE_TOO_LARGE = List.of(
            "query returned more than", "log response size exceeded", "response size exceeded", "response size is larger",
            "block range is too wide", "block range too large", "block range is too large", "block range limit exceeded",
            "range too large", "range is too large", "exceed maximum block range", "exceeds max block range",
            "exceeds max results", "exceeds the range allowed", "range limit", "exceeds limit of", "is limited to",
            "narrow your filter", "too many logs", "too many results", "returned more than", "backend response too large",
            "limit the query to at most", "blocks distance", "ranges over", "max range", "query timeout exceeded",
            "response is too big");

    static final List<String> RATE_LIMITED = List.of(
            "rate limit", "too many requests", "limit exceeded", "capacity exceeded", "request count exceeded",
            "exceeded the quota", "throttled", "compute units");

    static final List<String> TRANSIENT = List.of(
            "header not found", "timeout", "timed out", "temporarily unavailable", "service unavailable", "bad gateway",
            "gateway", "connection reset", "connection refused", "failed to connect", "unexpected end", "unexpected eof",
            "end-of-input", "unrecognized token", "internal error", "block not found", "try again", "no backend is currently healthy",
            "broken pipe", "stream was reset", "no response", "backend", "upstream");

    /** What nodes say of a nonce already used (geth, reth, Erigon, Nethermind, Anvil). */
    static final List<String> NONCE_TOO_LOW = List.of("nonce too low", "nonce has already been used", "oldnonce", "nonce is too low");

    static final List<String> ALREADY_KNOWN = List.of("already known", "known transaction", "already imported", "alreadyknown");

    static final List<String> REPLACEMENT_UNDERPRICED = List.of("replacement transaction underpriced", "replacement underpriced",
            "replacement fee too low");

    /** A method the endpoint lacks, beside code -32601: only with the word "method", so a missing block is not mistaken for it. */
    static final List<String> METHOD_NOT_FOUND = List.of("method not found", "unknown method", "unsupported method", "method not supported",
            "method not available");

    private RpcErrors() {
    }

    public static RpcErrorKind classify(Throwable error) {
        if (error instanceof CallRevertedException) {
            return RpcErrorKind.REVERTED;
        }
        String message = String.valueOf(error.getMessage()).toLowerCase(Locale.ROOT);
        if (containsAny(message, NONCE_TOO_LOW)) {
            return RpcErrorKind.NONCE_TOO_LOW;
        }
        if (containsAny(message, ALREADY_KNOWN)) {
            return RpcErrorKind.ALREADY_KNOWN;
        }
        if (containsAny(message, REPLACEMENT_UNDERPRICED)) {
            return RpcErrorKind.REPLACEMENT_UNDERPRICED;
        }
        if (error instanceof RpcException rpc && rpc.code() == -32601 || containsAny(message, METHOD_NOT_FOUND)
                || message.contains("method") && (message.contains("does not exist") || message.contains("not available"))) {
            return RpcErrorKind.METHOD_NOT_FOUND;
        }
        if (containsAny(message, RANGE_TOO_LARGE)) {
            return RpcErrorKind.RANGE_TOO_LARGE;
        }
        Integer status = httpStatus(message);
        if (status != null && status == 413 && error instanceof RpcException rpc && rpc.method().startsWith("eth_getLogs")) {
            return RpcErrorKind.RANGE_TOO_LARGE; // QuickNode answers an over-wide eth_getLogs with HTTP 413
        }
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
