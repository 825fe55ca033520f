// Dentistimo in production, as `azd up` provisions it: one resource group with the platform (resources.bicep) and the
// container apps of the AppHost's publish manifest (apps.bicep). tests/Dentistimo.Infrastructure.Tests holds the two
// against each other, so a configuration key added in the AppHost fails the build until it is added here too.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('The azd environment name; it names the resource group and, hashed, the resources that need global names.')
param environmentName string

@minLength(1)
@description('A region with availability zones, zone-redundant PostgreSQL HA and a paired region for geo-redundant backups, e.g. swedencentral.')
param location string

// The AppHost's secret parameters, under the same names. azd generates each once and keeps it in the environment's
// config, so the keys shared by several services (RecipientSeal:Key) stay the same across `azd up` runs.
@secure()
@metadata({ azd: { type: 'generate', config: { length: 22, noSpecial: true } } })
@description('The PostgreSQL administrator password (AppHost parameter postgres-password).')
param postgresPassword string

@secure()
@metadata({ azd: { type: 'generate', config: { length: 22, noSpecial: true } } })
@description('RabbitMQ\'s password (AppHost parameter messaging-password).')
param messagingPassword string

@secure()
@metadata({ azd: { type: 'generate', config: { length: 64, noSpecial: true } } })
@description('Seals patients\' names and addresses between BookingApi and the notifier (AppHost parameter recipient-seal-key).')
param recipientSealKey string

@secure()
@metadata({ azd: { type: 'generate', config: { length: 32, noSpecial: true } } })
@description('The notifier\'s operator endpoints answer only to this key (AppHost parameter notifier-admin-key).')
param notifierAdminKey string

@secure()
@description('The SMTP relay as the notifier reads it (connection string mail), e.g. Endpoint=smtp://smtp.example.com:587;StartTls=true;Username=...;Password=...')
param mailConnectionString string

// azd keeps the image it last deployed in SERVICE_<NAME>_IMAGE_NAME (main.parameters.json); until the first
// `azd deploy` the apps run a placeholder that listens on the same port.
@description('The web image; azd sets it after deploying the service.')
param webImage string = 'mcr.microsoft.com/dotnet/samples:aspnetapp'

@description('The BookingApi image; azd sets it after deploying the service.')
param bookingApiImage string = 'mcr.microsoft.com/dotnet/samples:aspnetapp'

@description('The notifier image; azd sets it after deploying the service.')
param notifierImage string = 'mcr.microsoft.com/dotnet/samples:aspnetapp'

var tags = { 'azd-env-name': environmentName }

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module platform 'resources.bicep' = {
  name: 'platform'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    postgresPassword: postgresPassword
    messagingPassword: messagingPassword
    recipientSealKey: recipientSealKey
    notifierAdminKey: notifierAdminKey
    mailConnectionString: mailConnectionString
  }
}

module apps 'apps.bicep' = {
  name: 'apps'
  scope: resourceGroup
  params: {
    location: location
    environmentId: platform.outputs.environmentId
    environmentDefaultDomain: platform.outputs.environmentDefaultDomain
    identityId: platform.outputs.identityId
    registryServer: platform.outputs.registryServer
    vaultUri: platform.outputs.vaultUri
    messagingStorageName: platform.outputs.messagingStorageName
    webImage: webImage
    bookingApiImage: bookingApiImage
    notifierImage: notifierImage
  }
}

// What azd needs to push images and find the apps; the web's address for `azd show`.
output AZURE_RESOURCE_GROUP string = resourceGroup.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = platform.outputs.registryServer
output AZURE_CONTAINER_APPS_ENVIRONMENT_ID string = platform.outputs.environmentId
output AZURE_KEY_VAULT_NAME string = platform.outputs.vaultName
output WEB_URL string = apps.outputs.webUrl
