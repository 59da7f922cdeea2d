package dev.margincall.chain.web3j;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * Sockets with Nagle's algorithm off. OkHttp writes a request's headers and a larger body (a signed batch transaction,
 * a bundle to simulate) in two segments; with Nagle on, the body waits for the node to acknowledge the headers, and a
 * node that delays its ACKs (Linux: up to 40 ms) holds every such request that long. Measured on Anvil: a batch's
 * {@code eth_sendRawTransaction} took 45–60 ms in about half the sends and 2–8 ms in the others; each millisecond there
 * is between the head and the wire. TLS runs over these sockets too (OkHttp layers it on top).
 */
final class NoDelaySocketFactory extends SocketFactory {

    private final SocketFactory plain = SocketFactory.getDefault();

    @Override
    public Socket createSocket() throws IOException {
        return noDelay(plain.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return noDelay(plain.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return noDelay(plain.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return noDelay(plain.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return noDelay(plain.createSocket(address, port, localAddress, localPort));
    }

    private static Socket noDelay(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        return socket;
    }
}
