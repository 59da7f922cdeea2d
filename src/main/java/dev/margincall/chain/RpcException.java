package dev.margincall.chain;

/**
 * A JSON-RPC call failed: the node answered with an error ({@code code} and {@code data} from the
 * response) or could not be reached ({@code code} is {@link #TRANSPORT}).
 */
public class RpcException extends RuntimeException {

    public static final int TRANSPORT = Integer.MIN_VALUE;

    private final String method;
    private final int code;
    private final String data;

    public RpcException(String method, int code, String message, String data, Throwable cause) {
        super(method + " failed" + (code == TRANSPORT ? "" : " (code " + code + ")") + ": " + message, cause);
        this.method = method;
        this.code = code;
        this.data = data;
    }

    public String method() {
        return method;
    }

    public int code() {
        return code;
    }

    /** The error's data field as the node sent it (for reverts: the ABI-encoded revert data), or null. */
    public String data() {
        return data;
    }
}
