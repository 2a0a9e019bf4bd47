// @ts-check
// Example conversations for the playground. Written for SafeDM's playground by hand; invented
// names and places, non-explicit. Each message: [role, text]; times are minutes from the start.

/** @type {{ id: string, title: string, note: string, messages: [string, string, number][] }[]} */
export const EXAMPLES = [
  {
    id: 'grooming',
    title: 'A grooming pattern',
    note: 'A stranger from a game builds trust, learns the age, checks who is around, asks for secrecy and moves to another app.',
    messages: [
      ['contact', 'gg, that last round was insane. you play really well', 0],
      ['child', 'haha thanks', 1],
      ['contact', 'how old are you? you play like a pro', 2],
      ['child', "i'm 12", 3],
      ['contact', "no way, you seem way more mature than that. mature for your age honestly", 4],
      ['contact', 'i could send you a gift card for skins if you want, i have loads', 6],
      ['child', 'omg really?', 7],
      ['contact', 'sure. are your parents around right now?', 9],
      ['child', 'no they are at work till 6', 10],
      ['contact', "cool. don't tell anyone about the gift ok, it's our secret", 11],
      ['contact', 'this chat gets checked by mods. add me on snapchat, my name is the same', 12],
    ],
  },
  {
    id: 'sextortion',
    title: 'A sextortion attempt',
    note: 'Someone unknown asks for a photo, then threatens and demands money. Never the young person’s fault.',
    messages: [
      ['contact', 'hey cutie, whats your snap?', 0],
      ['child', 'who are you?', 1],
      ['contact', "a friend of Jordan's. send me a selfie so i know it's you", 2],
      ['child', 'no', 3],
      ['contact', 'i have your pictures already', 5],
      ['contact', 'send me $200 or i will share your photos with all your friends', 6],
      ['contact', 'you have 2 hours to pay. tell anyone and everyone will see them', 7],
    ],
  },
  {
    id: 'friends',
    title: 'Two friends',
    note: 'Classmates sort out homework and a game night. Questions about school and age are normal here.',
    messages: [
      ['contact', 'did you finish the science worksheet?', 0],
      ['child', 'almost, question 4 is so hard', 1],
      ['contact', "it's the one about the water cycle, i'll send you a pic of my notes", 2],
      ['child', 'thanks!! are you coming to Maya’s birthday saturday?', 3],
      ['contact', 'yeah my dad is driving, we can pick you up', 4],
      ['child', 'cool see you there', 5],
      ['contact', 'btw are you in 7B or 7C next year?', 6],
    ],
  },
  {
    id: 'family',
    title: 'A family chat',
    note: 'A parent and their child sort out the afternoon. Plans to meet and "where are you" are everyday family talk.',
    messages: [
      ['contact', 'hi love, how was school?', 0],
      ['child', 'good, we had a test in maths', 1],
      ['contact', 'well done. grandma is picking you up at 3:30 today', 2],
      ['child', 'ok where?', 3],
      ['contact', 'at the main gate. text me when you are home please', 4],
      ['child', 'will do ❤️', 5],
      ['contact', 'love you, see you tonight 😘', 6],
    ],
  },
];
