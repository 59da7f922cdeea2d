package dev.margincall.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RpcErrorsTest {

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            -32005 | query returned more than 10000 results                                                          | RANGE_TOO_LARGE
            -32602 | Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range and no limit on the response size, or you can request any block range with a cap of 10K logs in the response. Based on your parameters, this block range should work: [0x1, 0x7d0] | RANGE_TOO_LARGE
            -32000 | exceed maximum block range: 5000                                                                 | RANGE_TOO_LARGE
            -32602 | eth_getLogs is limited to a 10,000 range                                                          | RANGE_TOO_LARGE
            -32000 | query timeout exceeded                                                                           | RANGE_TOO_LARGE
            -32005 | daily request count exceeded, request rate limited                                               | RATE_LIMITED
            429    | Too Many Requests                                                                                | RATE_LIMITED
            -32000 | header not found                                                                                 | TRANSIENT
            -32603 | internal error                                                                                   | TRANSIENT
            -32000 | missing trie node 0xabc (path )                                                                  | PERMANENT
            -32602 | query exceeds max results 20000, retry with the range 100-5000                                   | RANGE_TOO_LARGE
            -32047 | Invalid eth_getLogs request. 'fromBlock'-'toBlock' range too large. Max range: 800                | RANGE_TOO_LARGE
            -32600 | block range is too wide                                                                          | RANGE_TOO_LARGE
            -32000 | Block range limit exceeded.                                                                      | RANGE_TOO_LARGE
            -32000 | logs matched by query exceeds limit of 10000                                                     | RANGE_TOO_LARGE
            -32000 | block not found                                                                                  | TRANSIENT
            -32000 | nonce too low                                                                                    | NONCE_TOO_LOW
            -32000 | nonce too low: next nonce 12, tx nonce 11                                                        | NONCE_TOO_LOW
            -32003 | Nonce has already been used                                                                      | NONCE_TOO_LOW
            -32000 | already known                                                                                    | ALREADY_KNOWN
            -32010 | Known transaction: 0xabc                                                                         | ALREADY_KNOWN
            -32000 | replacement transaction underpriced                                                              | REPLACEMENT_UNDERPRICED
            -32603 | replacement fee too low                                                                          | REPLACEMENT_UNDERPRICED
            -32000 | Method not found                                                                                 | METHOD_NOT_FOUND
            -32000 | unsupported method: eth_simulateV1                                                               | METHOD_NOT_FOUND
            -32000 | header for hash 0xabc does not exist                                                             | PERMANENT
            -32602 | invalid argument 0: hex string without 0x prefix                                                 | PERMANENT
            -32601 | the method eth_foo does not exist/is not available                                               | METHOD_NOT_FOUND
            """)
    void classifiesNodeAndProviderErrors(int code, String message, RpcErrorKind kind) {
        assertThat(RpcErrors.classify(new RpcException("eth_getLogs", code, message, null, null))).isEqualTo(kind);
    }

    @ParameterizedTest(name = "HTTP {0}")
    @CsvSource({"429, RATE_LIMITED", "500, TRANSIENT", "502, TRANSIENT", "503, TRANSIENT", "408, TRANSIENT", "401, PERMANENT", "403, PERMANENT"})
    void classifiesHttpStatuses(int status, RpcErrorKind kind) {
        RpcException e = new RpcException("eth_call", RpcException.TRANSPORT, "Invalid response received: " + status + "; body", null,
                new IOException("Invalid response received: " + status));
        assertThat(RpcErrors.classify(e)).isEqualTo(kind);
    }

    @ParameterizedTest
    @CsvSource({"timeout", "Unexpected end-of-input: expected close marker", "Connection refused", "closed"})
    void anyTransportFailureIsTransient(String message) {
        assertThat(RpcErrors.classify(new RpcException("eth_call", RpcException.TRANSPORT, message, null, null))).isEqualTo(RpcErrorKind.TRANSIENT);
    }

    @org.junit.jupiter.api.Test
    void quickNodesHttp413OnGetLogsMeansTooWide() {
        RpcException e = new RpcException("eth_getLogs", RpcException.TRANSPORT, "Invalid response received: 413; {}", null, null);
        assertThat(RpcErrors.classify(e)).isEqualTo(RpcErrorKind.RANGE_TOO_LARGE);
        RpcException other = new RpcException("eth_call", RpcException.TRANSPORT, "Invalid response received: 413; {}", null, null);
        assertThat(RpcErrors.classify(other)).isEqualTo(RpcErrorKind.PERMANENT);
    }

    @org.junit.jupiter.api.Test
    void aRevertIsNeverRetried() {
        CallRevertedException revert = new CallRevertedException("eth_call", 3, "execution reverted", "0x08c379a0");
        assertThat(RpcErrors.classify(revert)).isEqualTo(RpcErrorKind.REVERTED);
        assertThat(RpcErrors.classify(revert).retryable()).isFalse();
    }
}
