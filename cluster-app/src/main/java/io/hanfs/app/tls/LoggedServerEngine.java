package io.hanfs.app.tls;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * The server side's TLS engine as Pekko's provider made it, with one addition: a connection that
 * fails its handshake (garbage on the cluster port, a certificate of another CA) is reported to
 * {@code onFailure}. Pekko drops such inbound connections without a word; hanfs logs each kind
 * once. Every other call goes to the wrapped engine unchanged.
 */
final class LoggedServerEngine extends SSLEngine {
  private final SSLEngine e;
  private final Consumer<SSLException> onFailure;

  LoggedServerEngine(SSLEngine e, Consumer<SSLException> onFailure) {
    super(e.getPeerHost(), e.getPeerPort());
    this.e = e;
    this.onFailure = onFailure;
  }

  @Override
  public SSLEngineResult wrap(ByteBuffer[] src, int off, int len, ByteBuffer dst) throws SSLException {
    try {
      return e.wrap(src, off, len, dst);
    } catch (SSLException x) {
      onFailure.accept(x);
      throw x;
    }
  }

  @Override
  public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int off, int len) throws SSLException {
    try {
      return e.unwrap(src, dsts, off, len);
    } catch (SSLException x) {
      onFailure.accept(x);
      throw x;
    }
  }

  @Override public Runnable getDelegatedTask() { return e.getDelegatedTask(); }
  @Override public void closeInbound() throws SSLException { e.closeInbound(); }
  @Override public boolean isInboundDone() { return e.isInboundDone(); }
  @Override public void closeOutbound() { e.closeOutbound(); }
  @Override public boolean isOutboundDone() { return e.isOutboundDone(); }
  @Override public String[] getSupportedCipherSuites() { return e.getSupportedCipherSuites(); }
  @Override public String[] getEnabledCipherSuites() { return e.getEnabledCipherSuites(); }
  @Override public void setEnabledCipherSuites(String[] s) { e.setEnabledCipherSuites(s); }
  @Override public String[] getSupportedProtocols() { return e.getSupportedProtocols(); }
  @Override public String[] getEnabledProtocols() { return e.getEnabledProtocols(); }
  @Override public void setEnabledProtocols(String[] p) { e.setEnabledProtocols(p); }
  @Override public SSLSession getSession() { return e.getSession(); }
  @Override public SSLSession getHandshakeSession() { return e.getHandshakeSession(); }
  @Override public void beginHandshake() throws SSLException { e.beginHandshake(); }
  @Override public SSLEngineResult.HandshakeStatus getHandshakeStatus() { return e.getHandshakeStatus(); }
  @Override public void setUseClientMode(boolean m) { e.setUseClientMode(m); }
  @Override public boolean getUseClientMode() { return e.getUseClientMode(); }
  @Override public void setNeedClientAuth(boolean n) { e.setNeedClientAuth(n); }
  @Override public boolean getNeedClientAuth() { return e.getNeedClientAuth(); }
  @Override public void setWantClientAuth(boolean w) { e.setWantClientAuth(w); }
  @Override public boolean getWantClientAuth() { return e.getWantClientAuth(); }
  @Override public void setEnableSessionCreation(boolean f) { e.setEnableSessionCreation(f); }
  @Override public boolean getEnableSessionCreation() { return e.getEnableSessionCreation(); }
  @Override public SSLParameters getSSLParameters() { return e.getSSLParameters(); }
  @Override public void setSSLParameters(SSLParameters p) { e.setSSLParameters(p); }
  @Override public String getApplicationProtocol() { return e.getApplicationProtocol(); }
  @Override public String getHandshakeApplicationProtocol() { return e.getHandshakeApplicationProtocol(); }
  @Override public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> s) { e.setHandshakeApplicationProtocolSelector(s); }
  @Override public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() { return e.getHandshakeApplicationProtocolSelector(); }
}
