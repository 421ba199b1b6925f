import type { Catalogue } from './en.ts'

// Français. Pluriels : one (0 et 1), many (millions : « 1 000 000 de »), other.
const fr: Catalogue = {
  'app.joining': 'Connexion au salon…',

  'language.label': 'Langue',

  'onboarding.lead': 'Une messagerie qui vit dans votre navigateur. Vos messages vont directement aux personnes du salon, signés avec une clé créée sur cet appareil.',
  'onboarding.invited': 'Vous êtes invité dans un salon. Choisissez un nom pour le rejoindre.',
  'onboarding.nameLabel': 'Votre nom',
  'onboarding.namePlaceholder': 'p. ex. Ana',
  'onboarding.join': 'Rejoindre le salon',
  'onboarding.start': 'Commencer',
  'onboarding.fingerprintNote': 'Chacun peut choisir n’importe quel nom. C’est l’empreinte de votre clé qui vous distingue.',

  'header.home': 'Roda : tous les salons',
  'header.yourKey': 'Votre clé : {key}',
  'header.settings': 'Réglages et diagnostic',

  'status.online': 'Relais connecté',
  'status.connecting': 'Connexion au relais…',
  'status.offline': 'Relais injoignable',
  'status.offlineRetry': {
    one: 'Relais injoignable, nouvel essai dans {count} seconde',
    many: 'Relais injoignable, nouvel essai dans {count} de secondes',
    other: 'Relais injoignable, nouvel essai dans {count} secondes',
  },
  'status.noRelay': 'Aucun relais configuré',

  'rooms.newLabel': 'Nouveau salon',
  'rooms.titlePlaceholder': 'Titre (facultatif)',
  'rooms.create': 'Créer le salon',
  'rooms.heading': 'Vos salons',
  'rooms.empty': 'Aucun salon pour l’instant. Créez-en un, ou ouvrez le lien d’un salon que quelqu’un vous a envoyé.',
  'rooms.fallbackName': 'Salon {id}',
  'rooms.unreadLabel': { one: '{name}, {count} message non lu', many: '{name}, {count} de messages non lus', other: '{name}, {count} messages non lus' },

  'room.untitled': 'Salon sans titre',
  'room.titleLabel': 'Titre du salon',
  'room.rename': 'Renommer le salon',
  'room.linkLabel': 'Lien du salon',
  'room.copy': 'Copier le lien',
  'room.copied': 'Copié',
  'room.copyPrompt': 'Copiez ce lien',
  'room.share': 'Partager…',
  'room.shareTitle': 'Salon Roda',
  'room.shareText': 'Rejoins-moi dans ce salon Roda',
  'room.qrToggle': 'Code QR : à scanner pour entrer',
  'room.secretNote': 'Toute personne qui a ce lien peut lire et écrire dans le salon. Le secret se trouve après le #, qui n’est jamais envoyé à un serveur.',
  'room.qrLabel': 'Code QR du lien du salon',
  'room.qrTooLong': 'Ce lien est trop long pour un code QR : partagez-le sous forme de texte.',

  'peers.label': 'Personnes présentes',
  'peers.none': 'Personne d’autre n’est connecté pour l’instant. Les messages attendent ici que quelqu’un le soit.',
  'peers.someone': 'quelqu’un',
  'peers.direct': 'directe',
  'peers.relayed': 'par le relais',

  'messages.label': 'Messages',
  'messages.keyTitle': 'Clé {key}',
  'messages.newFrom': 'Nouveau message de {name} : {text}',
  'messages.newCount': { one: '{count} nouveau message', many: '{count} de nouveaux messages', other: '{count} nouveaux messages' },
  'receipt.waiting': 'en attente',
  'receipt.waitingTitle': 'En attente : aucun autre appareil n’a encore ce message',
  'receipt.delivered': 'Remis',
  'receipt.heldBy': { one: 'Reçu par {count} autre membre', many: 'Reçu par {count} d’autres membres', other: 'Reçu par {count} autres membres' },

  'composer.label': 'Message',
  'composer.placeholder': 'Écrire un message',
  'composer.send': 'Envoyer',

  'notify.unsupported': 'Ce navigateur ne peut pas afficher de notifications.',
  'notify.blocked': 'Les notifications de ce site sont bloquées dans les réglages du navigateur.',
  'notify.on': 'Les notifications sont activées.',
  'notify.turnOff': 'Désactiver',
  'notify.turnOn': 'M’avertir des nouveaux messages',
  'notify.oneTitle': '{name} · {room}',
  'notify.manyTitle': { one: '{room} : {count} nouveau message', many: '{room} : {count} de nouveaux messages', other: '{room} : {count} nouveaux messages' },
  'notify.manyBody': '{name} : {text}',

  'settings.heading': 'Réglages',
  'settings.name': 'Nom affiché',
  'settings.relays': 'Relais (un multiaddr par ligne ; vide = le relais qui a servi cette appli)',
  'settings.save': 'Enregistrer',
  'settings.saved': 'Enregistré. Un relais modifié sert après un rechargement.',
  'settings.notifications': 'Notifications',
  'settings.notificationsHelp': 'Une notification quand quelqu’un écrit pendant que Roda est en arrière-plan.',
  'settings.key': 'Votre clé',
  'settings.diagnostics': 'Diagnostic',
  'settings.relay': 'Relais : {relay} ({state})',
  'settings.relayNone': 'aucun',
  'settings.peerId': 'Id de pair : {id}',
  'settings.networkNotStarted': 'réseau non démarré',
  'settings.rejected': 'Messages refusés',
  'settings.rejectedNone': 'Aucun pour l’instant.',
  'settings.close': 'Fermer',

  'update.ready': 'Une nouvelle version de Roda est prête.',
  'update.reload': 'Recharger',
}

export default fr
