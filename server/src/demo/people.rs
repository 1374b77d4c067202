//! The cast of the demo: VoIP accounts (from the manual's examples plus generated ones) and
//! the console users who administer them.

use app::codes::Platform;
use fastrand::Rng;

#[derive(Clone, Debug)]
pub struct DemoAccount {
    pub id: i64,
    pub username: String,
    pub description: String,
    pub phone_number: String,
    pub group_name: String,
    pub platform: Platform,
    pub user_agent: String,
    /// The address its client connects from ("ip" and a stable source port).
    pub ip: String,
    pub port: u16,
    pub email: String,
}

/// Console users and the addresses they usually work from.
pub const CONSOLE_USERS: &[(&str, &str)] = &[
    ("admin", "93.57.41.37"),
    ("mrossi", "10.20.1.15"),
    ("jsmith", "10.20.1.22"),
    ("auditor", "172.16.4.8"),
    ("support", "10.20.3.40"),
];

const FIRST: &[&str] = &[
    "Marco", "Sara", "Giulia", "Luca", "Anna", "Paolo", "Elena", "Tom", "Emma", "Oliver", "Sophie", "Hans", "Greta",
    "Pierre", "Claire", "Ahmed", "Yuki", "Maria", "Jonas", "Ines",
];
const LAST: &[&str] = &[
    "Bianchi", "Ferrari", "Esposito", "Ricci", "Smith", "Jones", "Brown", "Müller", "Schmidt", "Dubois", "Martin",
    "Garcia", "Novak", "Kowalski", "Tanaka", "O'Brien", "Rossi", "Conti",
];
const GROUPS: &[&str] = &["Board", "Sales", "Support", "Engineering", "Field Ops", "Legal"];
const COUNTRY: &[&str] = &["+39", "+44", "+49", "+33", "+41"];

fn user_agent(platform: Platform, rng: &mut Rng) -> String {
    let build = rng.u32(1400..1700);
    match platform {
        Platform::Android => format!("PGSM-10.5.{build}-android"),
        Platform::Iphone => format!("PGSM-10.3.{build}-iphone"),
        Platform::Blackberry => format!("PGSM-10.2.{build}-blackberry"),
        Platform::Nokia => format!("PGSM-9.8.{build}-symbian"),
        Platform::Desktop => format!("snom820/8.7.3.{}", rng.u32(10..30)),
    }
}

fn public_ip(rng: &mut Rng) -> String {
    format!("{}.{}.{}.{}", rng.u8(62..220), rng.u8(1..255), rng.u8(1..255), rng.u8(2..254))
}

/// `count` accounts (at least the manual's two), deterministic for the generator.
pub fn accounts(count: usize, rng: &mut Rng) -> Vec<DemoAccount> {
    let mut all = Vec::with_capacity(count.max(2));
    // The manual's own examples.
    for (name, phone, platform) in
        [("Arthur Doyle", "+4418591930", Platform::Android), ("Dante Alighieri", "+3912651321", Platform::Iphone)]
    {
        all.push(DemoAccount {
            id: all.len() as i64 + 1,
            username: phone.trim_start_matches('+').to_owned(),
            description: name.into(),
            phone_number: phone.into(),
            group_name: "Screenshot".into(),
            platform,
            user_agent: user_agent(platform, rng),
            ip: public_ip(rng),
            port: rng.u16(20_000..61_000),
            email: format!("{}@example.com", name.to_lowercase().replace(' ', ".")),
        });
    }
    while all.len() < count.max(2) {
        let first = FIRST[rng.usize(..FIRST.len())];
        let last = LAST[rng.usize(..LAST.len())];
        let platform = Platform::ALL[rng.usize(..Platform::ALL.len())];
        let phone = format!("{}{}", COUNTRY[rng.usize(..COUNTRY.len())], rng.u64(3_000_000_000..3_999_999_999));
        let username = format!("{:09}", rng.u32(100_000_000..999_999_999));
        if all.iter().any(|a: &DemoAccount| a.username == username || a.phone_number == phone) {
            continue;
        }
        all.push(DemoAccount {
            id: all.len() as i64 + 1,
            description: format!("{first} {last}"),
            email: format!("{}.{}@example.com", first.to_lowercase(), last.to_lowercase().replace('\'', "")),
            username,
            phone_number: phone,
            group_name: GROUPS[rng.usize(..GROUPS.len())].into(),
            platform,
            user_agent: user_agent(platform, rng),
            ip: public_ip(rng),
            port: rng.u16(20_000..61_000),
        });
    }
    all
}
