package org.myelin.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "generate-config", mixinStandardHelpOptions = true,
        description = "Print (or write) a commented configuration file with the defaults.")
public final class GenerateConfigCommand implements Callable<Integer> {
    @Option(names = "--server-name", defaultValue = "localhost", description = "The domain in user IDs (default: ${DEFAULT-VALUE})")
    String serverName;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output (refuses to overwrite)")
    Path output;

    @Override
    public Integer call() throws IOException {
        String yaml = """
                # Myelin configuration. Every key is optional; shown values are the defaults.
                server_name: %s            # the domain in user IDs (@alice:%s); cannot change later
                listen: 127.0.0.1:8008          # host:port of the client API
                # public_baseurl: https://matrix.example.org/   # how clients reach us (default: from listen)
                data_dir: ./data                # SQLite database, signing key, media
                # database: postgresql://myelin@127.0.0.1:5432/myelin   # use PostgreSQL instead of SQLite
                database_pool_size: 10
                registration:
                  enabled: false                # open registration (m.login.dummy); tokens and the admin CLI always work
                  require_token: false          # with enabled: true, still require a registration token
                  allow_guests: false           # allow guest accounts (kind=guest)
                # registration_shared_secret: "change me"   # enables /_synapse/admin/v1/register
                rate_limiting:
                  enabled: true
                  login: { per_second: 0.17, burst: 3 }
                  register: { per_second: 0.17, burst: 3 }
                  message: { per_second: 0.2, burst: 10 }
                  general: { per_second: 10, burst: 100 }
                limits:
                  max_request_body_bytes: 1048576
                  max_upload_bytes: 52428800
                tokens:
                  refreshable_access_token_lifetime_ms: 300000
                log:
                  requests: true
                  level: info
                presence:
                  enabled: true                 # false for large deployments: presence is neither tracked nor sent
                  idle_timeout_ms: 300000       # online -> unavailable after this long without activity
                  offline_timeout_ms: 300000    # -> offline this long after the last sync
                # voip:                         # TURN for calls; without it GET /voip/turnServer answers {}
                #   turn_uris: ["turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349?transport=tcp"]
                #   turn_shared_secret: "coturn's static-auth-secret"   # or turn_username + turn_password
                #   turn_user_lifetime_ms: 86400000
                #   turn_allow_guests: true
                # moderation:
                #   policy_rooms: ["#bans:%s"]   # their m.ban rules refuse local joins and invites
                # server_notices:
                #   system_user_localpart: notices   # enables server notices (myelin send-server-notice)
                #   room_name: Server Notices
                """.formatted(serverName, serverName, serverName);
        if (output == null) {
            System.out.print(yaml);
        } else {
            if (Files.exists(output)) {
                System.err.println("myelin: " + output + " exists; not overwriting");
                return 1;
            }
            Files.writeString(output, yaml);
            System.err.println("wrote " + output);
        }
        return 0;
    }
}
