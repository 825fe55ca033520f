// The AppHost's projects and containers as container apps, under the same names and with exactly the configuration
// keys the AppHost gives them (its publish manifest; tests/Dentistimo.Infrastructure.Tests compares the two).
// Secrets are Key Vault references read with the apps' identity; the other values are addresses in the environment.
param location string
param environmentId string
param environmentDefaultDomain string
param identityId string
param registryServer string
param vaultUri string
param messagingStorageName string
param webImage string
param bookingApiImage string
param notifierImage string

// The .NET container images listen on 8080 (HTTP_PORTS in the manifest).
var httpPort = 8080

resource bookingApi 'Microsoft.App/containerApps@2024-03-01' = {
  name: 'bookingapi'
  location: location
  tags: { 'azd-service-name': 'bookingapi' }
  identity: { type: 'UserAssigned', userAssignedIdentities: { '${identityId}': {} } }
  properties: {
    environmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      // Reachable only inside the environment, by the web, as http://bookingapi.
      ingress: { external: false, targetPort: httpPort, transport: 'http', allowInsecure: true }
      registries: [{ server: registryServer, identity: identityId }]
      secrets: [
        { name: 'bookingdb', keyVaultUrl: '${vaultUri}secrets/bookingdb', identity: identityId }
        { name: 'cache', keyVaultUrl: '${vaultUri}secrets/cache', identity: identityId }
        { name: 'messaging', keyVaultUrl: '${vaultUri}secrets/messaging', identity: identityId }
        { name: 'messaging-password', keyVaultUrl: '${vaultUri}secrets/messaging-password', identity: identityId }
        { name: 'recipient-seal-key', keyVaultUrl: '${vaultUri}secrets/recipient-seal-key', identity: identityId }
      ]
    }
    template: {
      containers: [
        {
          name: 'bookingapi'
          image: bookingApiImage
          resources: { cpu: json('1.0'), memory: '2Gi' }
          env: [
            { name: 'OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY', value: 'in_memory' }
            { name: 'ASPNETCORE_FORWARDEDHEADERS_ENABLED', value: 'true' }
            { name: 'HTTP_PORTS', value: string(httpPort) }
            { name: 'ConnectionStrings__bookingdb', secretRef: 'bookingdb' }
            { name: 'ConnectionStrings__cache', secretRef: 'cache' }
            { name: 'ConnectionStrings__messaging', secretRef: 'messaging' }
            // What Aspire's RabbitMQ integration gives every project that references it (locally too, with containers).
            { name: 'MESSAGING_HOST', value: 'messaging' }
            { name: 'MESSAGING_PORT', value: '5672' }
            { name: 'MESSAGING_USERNAME', value: 'guest' }
            { name: 'MESSAGING_PASSWORD', secretRef: 'messaging-password' }
            { name: 'MESSAGING_URI', secretRef: 'messaging' }
            { name: 'RecipientSeal__Key', secretRef: 'recipient-seal-key' }
          ]
        }
      ]
      scale: {
        minReplicas: 2
        maxReplicas: 10
        // BookingApi admits RateLimits:ConcurrentBookings (128 by default) booking requests at once per replica; a replica
        // is added at half that, so it is up (tens of seconds) before the limit turns requests away. The test holds it so.
        rules: [{ name: 'booking-concurrency', http: { metadata: { concurrentRequests: '64' } } }]
      }
    }
  }
}

resource web 'Microsoft.App/containerApps@2024-03-01' = {
  name: 'web'
  location: location
  tags: { 'azd-service-name': 'web' }
  identity: { type: 'UserAssigned', userAssignedIdentities: { '${identityId}': {} } }
  properties: {
    environmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      // The only app reachable from the internet; plain HTTP is redirected to HTTPS.
      ingress: { external: true, targetPort: httpPort, transport: 'http', allowInsecure: false }
      registries: [{ server: registryServer, identity: identityId }]
      secrets: [
        { name: 'messaging', keyVaultUrl: '${vaultUri}secrets/messaging', identity: identityId }
        { name: 'messaging-password', keyVaultUrl: '${vaultUri}secrets/messaging-password', identity: identityId }
      ]
    }
    template: {
      containers: [
        {
          name: 'web'
          image: webImage
          resources: { cpu: json('0.5'), memory: '1Gi' }
          env: [
            { name: 'OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY', value: 'in_memory' }
            { name: 'ASPNETCORE_FORWARDEDHEADERS_ENABLED', value: 'true' }
            { name: 'HTTP_PORTS', value: string(httpPort) }
            { name: 'ConnectionStrings__messaging', secretRef: 'messaging' }
            // What Aspire's RabbitMQ integration gives every project that references it (locally too, with containers).
            { name: 'MESSAGING_HOST', value: 'messaging' }
            { name: 'MESSAGING_PORT', value: '5672' }
            { name: 'MESSAGING_USERNAME', value: 'guest' }
            { name: 'MESSAGING_PASSWORD', secretRef: 'messaging-password' }
            { name: 'MESSAGING_URI', secretRef: 'messaging' }
            { name: 'BOOKINGAPI_HTTP', value: 'http://bookingapi' }
            { name: 'services__bookingapi__http__0', value: 'http://bookingapi' }
            { name: 'BOOKINGAPI_HTTPS', value: 'https://bookingapi.internal.${environmentDefaultDomain}' }
            { name: 'services__bookingapi__https__0', value: 'https://bookingapi.internal.${environmentDefaultDomain}' }
            // The ingress connects from the environment's subnet (resources.bicep): its X-Forwarded-For is believed.
            { name: 'ForwardedHeaders__KnownNetworks__0', value: '10.40.0.0/23' }
          ]
        }
      ]
      scale: {
        minReplicas: 2
        maxReplicas: 10
        // A starting point, not a measured figure: to tune with the web benchmark against a deployed replica.
        rules: [{ name: 'http-concurrency', http: { metadata: { concurrentRequests: '100' } } }]
      }
    }
  }
}

resource notifier 'Microsoft.App/containerApps@2024-03-01' = {
  name: 'notifier'
  location: location
  tags: { 'azd-service-name': 'notifier' }
  identity: { type: 'UserAssigned', userAssignedIdentities: { '${identityId}': {} } }
  properties: {
    environmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      // Its operator endpoints (/admin) answer inside the environment only, and only to Admin:ApiKey.
      ingress: { external: false, targetPort: httpPort, transport: 'http', allowInsecure: true }
      registries: [{ server: registryServer, identity: identityId }]
      secrets: [
        { name: 'notifierdb', keyVaultUrl: '${vaultUri}secrets/notifierdb', identity: identityId }
        { name: 'messaging', keyVaultUrl: '${vaultUri}secrets/messaging', identity: identityId }
        { name: 'messaging-password', keyVaultUrl: '${vaultUri}secrets/messaging-password', identity: identityId }
        { name: 'mail', keyVaultUrl: '${vaultUri}secrets/mail', identity: identityId }
        { name: 'recipient-seal-key', keyVaultUrl: '${vaultUri}secrets/recipient-seal-key', identity: identityId }
        { name: 'notifier-admin-key', keyVaultUrl: '${vaultUri}secrets/notifier-admin-key', identity: identityId }
      ]
    }
    template: {
      containers: [
        {
          name: 'notifier'
          image: notifierImage
          resources: { cpu: json('0.5'), memory: '1Gi' }
          env: [
            { name: 'OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY', value: 'in_memory' }
            { name: 'ASPNETCORE_FORWARDEDHEADERS_ENABLED', value: 'true' }
            { name: 'HTTP_PORTS', value: string(httpPort) }
            { name: 'ConnectionStrings__notifierdb', secretRef: 'notifierdb' }
            { name: 'ConnectionStrings__messaging', secretRef: 'messaging' }
            // What Aspire's RabbitMQ integration gives every project that references it (locally too, with containers).
            { name: 'MESSAGING_HOST', value: 'messaging' }
            { name: 'MESSAGING_PORT', value: '5672' }
            { name: 'MESSAGING_USERNAME', value: 'guest' }
            { name: 'MESSAGING_PASSWORD', secretRef: 'messaging-password' }
            { name: 'MESSAGING_URI', secretRef: 'messaging' }
            { name: 'ConnectionStrings__mail', secretRef: 'mail' }
            { name: 'RecipientSeal__Key', secretRef: 'recipient-seal-key' }
            // The links in the emails lead to the web's public address.
            { name: 'Email__PublicBaseUrl', value: 'https://web.${environmentDefaultDomain}' }
            { name: 'Admin__ApiKey', secretRef: 'notifier-admin-key' }
          ]
        }
      ]
      scale: {
        minReplicas: 1
        maxReplicas: 5
        rules: [
          {
            // KEDA counts the messages ready in the notifier's queue (BookingOutcomeQueue.Name), with the AMQP URI
            // of the app's own `messaging` secret: no second copy of RabbitMQ's password.
            name: 'booking-outcomes-queue'
            custom: {
              type: 'rabbitmq'
              metadata: {
                queueName: 'notifier-booking-outcomes'
                mode: 'QueueLength'
                // One replica per Delivery:ConcurrentMessageLimit (32) emails waiting, what one replica sends at once.
                value: '32'
                protocol: 'amqp'
              }
              auth: [{ secretRef: 'messaging', triggerParameter: 'host' }]
            }
          }
        ]
      }
    }
  }
}

// RabbitMQ: exactly one replica (a second would be a separate broker behind the same name), its data on the
// environment's Azure Files share, reachable over TCP inside the environment only.
resource messaging 'Microsoft.App/containerApps@2024-03-01' = {
  name: 'messaging'
  location: location
  identity: { type: 'UserAssigned', userAssignedIdentities: { '${identityId}': {} } }
  properties: {
    environmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: { external: false, targetPort: 5672, exposedPort: 5672, transport: 'tcp' }
      secrets: [
        { name: 'messaging-password', keyVaultUrl: '${vaultUri}secrets/messaging-password', identity: identityId }
      ]
    }
    template: {
      containers: [
        {
          name: 'messaging'
          image: 'docker.io/library/rabbitmq:4.3'
          resources: { cpu: json('0.5'), memory: '1Gi' }
          env: [
            { name: 'RABBITMQ_DEFAULT_USER', value: 'guest' }
            { name: 'RABBITMQ_DEFAULT_PASS', secretRef: 'messaging-password' }
            { name: 'RABBITMQ_NODENAME', value: 'rabbit@localhost' }
          ]
          volumeMounts: [{ volumeName: 'messaging-data', mountPath: '/var/lib/rabbitmq/mnesia' }]
        }
      ]
      volumes: [
        // RabbitMQ runs as uid 999; the share is mounted as its own.
        { name: 'messaging-data', storageType: 'AzureFile', storageName: messagingStorageName, mountOptions: 'uid=999,gid=999' }
      ]
      scale: { minReplicas: 1, maxReplicas: 1 }
    }
  }
}

output webUrl string = 'https://${web.properties.configuration.ingress.fqdn}'
