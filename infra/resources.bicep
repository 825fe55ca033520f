// The platform under the apps: network, logs, the Container Apps environment, registry, identity, Key Vault with every
// secret the apps read, RabbitMQ's share, PostgreSQL and Redis. Sizes and why: docs/operations.md.
param location string
param tags object

@secure()
param postgresPassword string
@secure()
param messagingPassword string
@secure()
param recipientSealKey string
@secure()
param notifierAdminKey string
@secure()
param mailConnectionString string

var token = uniqueString(subscription().id, resourceGroup().id, location)
var postgresAdministrator = 'dentistimo'
var keyVaultSecretsUserRole = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
var acrPullRole = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${token}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

// Container Apps spreads an environment over availability zones only inside a virtual network of ours; PostgreSQL
// sits in the same network, reachable from the apps and from nowhere else.
resource network 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-${token}'
  location: location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: ['10.40.0.0/16'] }
    subnets: [
      {
        name: 'container-apps'
        properties: {
          addressPrefix: '10.40.0.0/23'
          delegations: [{ name: 'container-apps', properties: { serviceName: 'Microsoft.App/environments' } }]
        }
      }
      {
        name: 'postgres'
        properties: {
          addressPrefix: '10.40.2.0/24'
          delegations: [{ name: 'postgres', properties: { serviceName: 'Microsoft.DBforPostgreSQL/flexibleServers' } }]
        }
      }
    ]
  }
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: 'cae-${token}'
  location: location
  tags: tags
  properties: {
    zoneRedundant: true
    vnetConfiguration: {
      infrastructureSubnetId: network.properties.subnets[0].id
      internal: false
    }
    workloadProfiles: [{ name: 'Consumption', workloadProfileType: 'Consumption' }]
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

// The apps' one identity: it pulls their images and reads their secrets, so no password is in an app's definition.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${token}'
  location: location
  tags: tags
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: 'cr${token}'
  location: location
  tags: tags
  sku: { name: 'Basic' }
  properties: { adminUserEnabled: false }
}

resource registryPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, identity.id, acrPullRole)
  scope: registry
  properties: {
    roleDefinitionId: acrPullRole
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// RabbitMQ's data directory: zone-redundant, so the broker's messages outlive its replica and a zone.
resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'st${token}'
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_ZRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
  }
}

resource fileService 'Microsoft.Storage/storageAccounts/fileServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource messagingShare 'Microsoft.Storage/storageAccounts/fileServices/shares@2023-05-01' = {
  parent: fileService
  name: 'messaging-data'
  properties: { shareQuota: 16 }
}

resource messagingStorage 'Microsoft.App/managedEnvironments/storages@2024-03-01' = {
  parent: environment
  name: 'messaging-data'
  properties: {
    azureFile: {
      accountName: storage.name
      accountKey: storage.listKeys().keys[0].value
      shareName: messagingShare.name
      accessMode: 'ReadWrite'
    }
  }
}

// The server's private address, resolved by name inside the network.
resource postgresDns 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: 'dentistimo-${token}.private.postgres.database.azure.com'
  location: 'global'
  tags: tags
}

resource postgresDnsLink 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = {
  parent: postgresDns
  name: network.name
  location: 'global'
  tags: tags
  properties: {
    virtualNetwork: { id: network.id }
    registrationEnabled: false
  }
}

// bookingdb and notifierdb: General Purpose, a synchronous standby in another zone, 35 days of point-in-time restore
// (the longest) copied to the paired region. Geo-redundant backup can only be chosen when the server is created.
resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'psql-${token}'
  location: location
  tags: tags
  sku: { name: 'Standard_D4ds_v5', tier: 'GeneralPurpose' }
  properties: {
    version: '16'
    administratorLogin: postgresAdministrator
    administratorLoginPassword: postgresPassword
    authConfig: { activeDirectoryAuth: 'Disabled', passwordAuth: 'Enabled' }
    storage: { storageSizeGB: 128, autoGrow: 'Enabled' }
    backup: { backupRetentionDays: 35, geoRedundantBackup: 'Enabled' }
    availabilityZone: '1'
    highAvailability: { mode: 'ZoneRedundant', standbyAvailabilityZone: '2' }
    network: {
      publicNetworkAccess: 'Disabled'
      delegatedSubnetResourceId: network.properties.subnets[1].id
      privateDnsZoneArmResourceId: postgresDns.id
    }
  }
  // The server resolves its name in the zone from its creation on.
  dependsOn: [postgresDnsLink]
}

// As on the local server: an error's log line without its DETAIL, which may quote a patient's data.
resource postgresTerseErrors 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: postgres
  name: 'log_error_verbosity'
  properties: { value: 'TERSE', source: 'user-override' }
}

resource bookingDatabase 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: postgres
  name: 'bookingdb'
  properties: { charset: 'UTF8', collation: 'en_US.utf8' }
}

resource notifierDatabase 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: postgres
  name: 'notifierdb'
  properties: { charset: 'UTF8', collation: 'en_US.utf8' }
  // Flexible Server takes one change of a server at a time.
  dependsOn: [bookingDatabase]
}

// cache: Azure Managed Redis with high availability (a replica on another node, in another zone where the region has
// zones). The Enterprise clustering policy shows one endpoint, as the local Redis does to StackExchange.Redis.
resource redis 'Microsoft.Cache/redisEnterprise@2025-04-01' = {
  name: 'redis-${token}'
  location: location
  tags: tags
  sku: { name: 'Balanced_B0' }
  properties: {
    highAvailability: 'Enabled'
    minimumTlsVersion: '1.2'
  }
}

resource redisDatabase 'Microsoft.Cache/redisEnterprise/databases@2025-04-01' = {
  parent: redis
  name: 'default'
  properties: {
    clientProtocol: 'Encrypted'
    port: 10000
    clusteringPolicy: 'EnterpriseCluster'
    accessKeysAuthentication: 'Enabled'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv-${token}'
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
  }
}

resource vaultRead 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, keyVaultSecretsUserRole)
  scope: vault
  properties: {
    roleDefinitionId: keyVaultSecretsUserRole
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// One secret for each parameter and connection string of the AppHost's publish manifest, under the same name.
resource postgresPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'postgres-password'
  properties: { value: postgresPassword }
}

resource messagingPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'messaging-password'
  properties: { value: messagingPassword }
}

resource recipientSealKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'recipient-seal-key'
  properties: { value: recipientSealKey }
}

resource notifierAdminKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'notifier-admin-key'
  properties: { value: notifierAdminKey }
}

resource mailSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'mail'
  properties: { value: mailConnectionString }
}

resource bookingDbSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'bookingdb'
  properties: {
    value: 'Host=${postgres.properties.fullyQualifiedDomainName};Port=5432;Database=${bookingDatabase.name};Username=${postgresAdministrator};Password=${postgresPassword};SSL Mode=Require'
  }
}

resource notifierDbSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'notifierdb'
  properties: {
    value: 'Host=${postgres.properties.fullyQualifiedDomainName};Port=5432;Database=${notifierDatabase.name};Username=${postgresAdministrator};Password=${postgresPassword};SSL Mode=Require'
  }
}

resource cacheSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'cache'
  properties: {
    value: '${redis.properties.hostName}:${redisDatabase.properties.port},password=${redisDatabase.listKeys().primaryKey},ssl=True,abortConnect=False'
  }
}

// RabbitMQ is the container app `messaging`, reached by its name inside the environment.
resource messagingSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'messaging'
  properties: { value: 'amqp://guest:${messagingPassword}@messaging:5672' }
}

output environmentId string = environment.id
output environmentDefaultDomain string = environment.properties.defaultDomain
output identityId string = identity.id
output registryServer string = registry.properties.loginServer
output vaultUri string = vault.properties.vaultUri
output vaultName string = vault.name
output messagingStorageName string = messagingStorage.name
