package io.egressratelimit.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a client certificate that the client CA signed and that names one required SAN
 * (GRPC_CLIENT_TLS_SAN), as envoyproxy/ratelimit checks it: the name as a DNS SAN (a {@code *.}
 * wildcard covers one label), or an IP SAN when the name is an address.
 */
final class ClientSanTrustManager extends X509ExtendedTrustManager {
  private static final int DNS_NAME = 2;
  private static final int IP_ADDRESS = 7;

  private final X509ExtendedTrustManager ca;
  private final String san;

  private ClientSanTrustManager(X509ExtendedTrustManager ca, String san) {
    this.ca = ca;
    this.san = san.toLowerCase(Locale.ROOT);
  }

  static ClientSanTrustManager create(Path clientCa, String san) throws IOException {
    try (InputStream pem = Files.newInputStream(clientCa)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int index = 0;
      for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(pem)) {
        store.setCertificateEntry("client-ca-" + index++, certificate);
      }
      if (index == 0) {
        throw new IOException(clientCa + " holds no certificate");
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      for (var manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager x509) {
          return new ClientSanTrustManager(x509, san);
        }
      }
      throw new IOException("no X.509 trust manager for " + clientCa);
    } catch (GeneralSecurityException e) {
      throw new IOException(clientCa + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    ca.checkClientTrusted(chain, authType, engine);
    requireSan(chain[0]);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    ca.checkClientTrusted(chain, authType, socket);
    requireSan(chain[0]);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    ca.checkClientTrusted(chain, authType);
    requireSan(chain[0]);
  }

  private void requireSan(X509Certificate client) throws CertificateException {
    if (!names(client)) {
      throw new CertificateException("the client certificate does not name " + san + " (GRPC_CLIENT_TLS_SAN)");
    }
  }

  private boolean names(X509Certificate client) throws CertificateParsingException {
    Collection<List<?>> alternatives = client.getSubjectAlternativeNames();
    if (alternatives == null) {
      return false;
    }
    for (List<?> alternative : alternatives) {
      int type = (Integer) alternative.get(0);
      String name = String.valueOf(alternative.get(1)).toLowerCase(Locale.ROOT);
      if ((type == IP_ADDRESS && name.equals(san)) || (type == DNS_NAME && dnsMatches(name))) {
        return true;
      }
    }
    return false;
  }

  private boolean dnsMatches(String name) {
    if (name.equals(san)) {
      return true;
    }
    if (name.startsWith("*.")) {
      int dot = san.indexOf('.');
      return dot > 0 && san.substring(dot).equals(name.substring(1));
    }
    return false;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    ca.checkServerTrusted(chain, authType, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    ca.checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    ca.checkServerTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return ca.getAcceptedIssuers();
  }
}
