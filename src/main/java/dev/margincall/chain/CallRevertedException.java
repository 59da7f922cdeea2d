package dev.margincall.chain;

import dev.margincall.chain.abi.ErrorCatalog;
import dev.margincall.chain.abi.RevertReason;

/** An {@code eth_call} or gas estimate reverted; {@link #reason()} decodes why. */
public class CallRevertedException extends RpcException {

    public CallRevertedException(String method, int code, String message, String data) {
        super(method, code, message + (data == null ? "" : " [" + RevertReason.decode(data) + "]"), data, null);
    }

    public String reason() {
        return reason(ErrorCatalog.EMPTY);
    }

    /** {@link #reason()}, naming what {@code catalog} knows (e.g. a protocol's custom error instead of its selector). */
    public String reason(ErrorCatalog catalog) {
        return data() == null ? getMessage() : RevertReason.describe(data(), catalog);
    }
}
