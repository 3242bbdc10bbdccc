"""The gazetteer behind :mod:`warn.core.geo`, as plain data.

``COUNTRIES``: one line per country, ``CODE Display name; other name; ...`` (indented lines
continue the line above). Other names are
official and short names, demonyms, capitals and conflict-relevant regions and cities. Names are
matched case-sensitively as written (the builder adds ALL-CAPS, Title Case, accent-free,
curly-apostrophe and hyphen/space variants).

``SPECIAL``: names whose country depends on context, one ``name = rule`` a line:

- ``A|B``: the candidates mentioned elsewhere in the text by a plain name; if none, ``A``.
- ``?A|B``: the same, but if none, no tag at all.
- ``A+B``: every code listed.
- ``~A``: never tagged itself; counts as context for ``A``.
- empty rule: a blocker; the phrase is consumed so that its parts do not tag anything.

Disputed places map to the state the UN recognises (Crimea, Donbas -> UA; Nagorno-Karabakh ->
AZ; Golan -> SY; Abkhazia, South Ossetia -> GE; Transnistria -> MD; Northern Cyprus -> CY).
Ethnic and religious groups (Uyghur, Kurdish, Rohingya, Tamil, Hazara, Yazidi...) are not places
and are deliberately absent. International venues (The Hague, Geneva) are absent too: they name
courts and conventions far more often than the host country.
"""

from __future__ import annotations

COUNTRIES = """
AF Afghanistan; Afghan; Afghani; Kabul; Kandahar; Herat; Mazar-i-Sharif; Helmand; Kunduz;
    Nangarhar; Jaghori; Malistan; Uruzgan; Oruzgan; Ghazni; Panjshir; Bamiyan; Daikundi; Khost;
    Paktia; Badakhshan
AL Albania; Albanian; Tirana
DZ Algeria; Algerian; Algiers; Tindouf
AD Andorra; Andorran; Andorra la Vella
AO Angola; Angolan; Luanda; Cabinda
AG Antigua and Barbuda; Antiguan; Antigua; Barbuda
AR Argentina; Argentine; Argentinian; Argentinean; Buenos Aires
AM Armenia; Armenian; Yerevan; Syunik
AU Australia; Australian; Canberra; Sydney; Melbourne
AT Austria; Austrian; Vienna
AZ Azerbaijan; Azerbaijani; Azeri; Baku; Nagorno-Karabakh; Karabakh; Stepanakert; Khankendi;
    Nakhchivan
BS Bahamas; Bahamian; Nassau
BH Bahrain; Bahraini; Manama
BD Bangladesh; Bangladeshi; Dhaka; Cox's Bazar; Chittagong; Chattogram; Bhasan Char
BB Barbados; Barbadian; Bajan; Bridgetown
BY Belarus; Belarusian; Belorussian; Byelorussia; Minsk; Grodno; Hrodna
BE Belgium; Belgian; Brussels; Antwerp
BZ Belize; Belizean; Belmopan
BJ Benin; Beninese; Porto-Novo; Cotonou
BT Bhutan; Bhutanese; Thimphu
BO Bolivia; Bolivian; Plurinational State of Bolivia; La Paz; Cochabamba; Santa Cruz de la Sierra
BA Bosnia and Herzegovina; Bosnia-Herzegovina; Bosnia; Herzegovina; Bosnian; Sarajevo; Srebrenica;
    Republika Srpska; Mostar
BW Botswana; Motswana; Batswana; Gaborone
BR Brazil; Brazilian; Brasília; Rio de Janeiro; São Paulo; Amazonas; Roraima; Yanomami territory
BN Brunei; Brunei Darussalam; Bruneian; Bandar Seri Begawan
BG Bulgaria; Bulgarian
BF Burkina Faso; Burkinabe; Burkinabè; Ouagadougou; Djibo; Bobo-Dioulasso
BI Burundi; Burundian; Gitega; Bujumbura
CV Cabo Verde; Cape Verde; Cape Verdean; Cabo Verdean; Praia
KH Cambodia; Cambodian; Phnom Penh; Siem Reap
CM Cameroon; Cameroonian; Yaoundé; Douala; Bamenda; Buea; Ambazonia; Ambazonian
CA Canada; Canadian; Ottawa; Toronto; Montreal; Vancouver
CF Central African Republic; Centrafrique; Central African; Bangui; Bambari
TD Chad; Chadian; N'Djamena; Ndjamena
CL Chile; Chilean; Santiago de Chile; Valparaíso; Araucanía
CN China; People's Republic of China; PRC; Chinese; Beijing; Peking; Shanghai; Wuhan; Guangzhou;
    Shenzhen; Xinjiang; Urumqi; Ürümqi; Kashgar; Tibet; Tibetan Autonomous Region; Lhasa; Inner
    Mongolia
CO Colombia; Colombian; Bogotá; Medellín; Cauca; Catatumbo; Chocó
KM Comoros; Comorian; Moroni
CD Democratic Republic of the Congo; Democratic Republic of Congo; DR Congo; DRC; Congo-Kinshasa;
    Kinshasa; Goma; Bukavu; North Kivu; South Kivu; Kivu; Ituri; Bunia; Kasai; Kasaï; Katanga;
    Lubumbashi; Kisangani
CG Republic of the Congo; Republic of Congo; Congo-Brazzaville; Congo Republic; Brazzaville;
    Pointe-Noire
CR Costa Rica; Costa Rican
CI Côte d'Ivoire; Ivory Coast; Ivorian; Yamoussoukro; Abidjan
HR Croatia; Croatian; Zagreb
CU Cuba; Cuban; Havana
CY Cyprus; Cypriot; Nicosia; Northern Cyprus
CZ Czechia; Czech Republic; Czech; Prague
DK Denmark; Danish; Copenhagen
DJ Djibouti; Djiboutian
DM Dominica; Roseau
DO Dominican Republic; Santo Domingo
EC Ecuador; Ecuadorian; Ecuadorean; Quito; Guayaquil
EG Egypt; Egyptian; Cairo; Sinai; North Sinai; Port Said
SV El Salvador; Salvadoran; Salvadorean; San Salvador
GQ Equatorial Guinea; Equatoguinean; Equatorial Guinean; Malabo
ER Eritrea; Eritrean; Asmara
EE Estonia; Estonian; Tallinn
SZ Eswatini; Swaziland; Swazi; Mbabane
ET Ethiopia; Ethiopian; Addis Ababa; Tigray; Tigrayan; Amhara region; Amhara; Oromia; Mekelle;
    Gondar; Ogaden; Benishangul-Gumuz; Afar region
FJ Fiji; Fijian; Suva
FI Finland; Finnish; Helsinki
FR France; French; Paris; Marseille; Lyon
GA Gabon; Gabonese; Libreville
GM Gambia; The Gambia; Gambian; Banjul
GE Georgia; Georgian; Tbilisi; Abkhazia; South Ossetia; Tskhinvali; Sukhumi; Batumi; Kutaisi
DE Germany; German; Berlin; Munich; Hamburg; Frankfurt
GH Ghana; Ghanaian; Accra; Kumasi
GR Greece; Greek; Hellenic Republic; Athens; Thessaloniki; Lesbos
GD Grenada; Grenadian
GT Guatemala; Guatemalan; Guatemala City
GN Guinea; Guinean; Conakry
GW Guinea-Bissau; Bissau-Guinean; Bissau
GY Guyana; Guyanese
HT Haiti; Haitian; Port-au-Prince; Cap-Haïtien; Artibonite; Cité Soleil
VA Holy See; Vatican; Vatican City
HN Honduras; Honduran; Tegucigalpa; San Pedro Sula
HK Hong Kong; Hongkonger; Kowloon
HU Hungary; Hungarian; Budapest
IS Iceland; Icelandic; Icelander; Reykjavík
IN India; Indian; New Delhi; Delhi; Mumbai; Kolkata; Chennai; Bengaluru; Bangalore; Srinagar;
    Jammu; Indian-administered Kashmir; Manipur; Imphal; Assam; Gujarat; Uttar Pradesh;
    Chhattisgarh; Nagaland; Mizoram; Odisha
ID Indonesia; Indonesian; Jakarta; Papua; West Papua; Papuan; Aceh; Maluku; Sulawesi; Sumatra
IR Iran; Islamic Republic of Iran; Iranian; Tehran; Teheran; Mashhad; Isfahan; Zahedan; Sistan and
    Baluchestan; Sistan-Baluchestan; Khuzestan; Evin prison
IQ Iraq; Iraqi; Baghdad; Mosul; Sinjar; Kirkuk; Erbil; Irbil; Basra; Fallujah; Nineveh; Anbar
IE Ireland; Irish; Dublin
IL Israel; Israeli; Tel Aviv; Haifa; Negev
IT Italy; Italian; Rome; Milan; Naples; Lampedusa; Sicily
JM Jamaica; Jamaican
JP Japan; Japanese; Tokyo; Osaka; Okinawa
JO Jordan; Jordanian; Hashemite Kingdom of Jordan; Amman; Zaatari
KZ Kazakhstan; Kazakh; Kazakhstani; Astana; Almaty; Nur-Sultan
KE Kenya; Kenyan; Nairobi; Mombasa; Kisumu; Dadaab; Kakuma
KI Kiribati; Tarawa; South Tarawa
KP North Korea; North Korean; DPRK; Democratic People's Republic of Korea; Pyongyang
KR South Korea; South Korean; Republic of Korea; Seoul; Busan
XK Kosovo; Kosovar; Kosovan; Pristina; Prishtina; Mitrovica
KW Kuwait; Kuwaiti; Kuwait City
KG Kyrgyzstan; Kyrgyz Republic; Kyrgyz; Kirghiz; Kirgizia; Bishkek; Osh; Jalal-Abad; Batken
LA Laos; Lao PDR; Lao People's Democratic Republic; Laotian; Vientiane
LV Latvia; Latvian; Riga
LB Lebanon; Lebanese; Beirut; Sidon; Bekaa; Baalbek
LS Lesotho; Basotho; Mosotho; Maseru
LR Liberia; Liberian; Monrovia
LY Libya; Libyan; Benghazi; Misrata; Derna; Sirte; Fezzan
LI Liechtenstein; Vaduz
LT Lithuania; Lithuanian; Vilnius
LU Luxembourg; Luxembourgish; Luxembourger
MG Madagascar; Malagasy; Antananarivo
MW Malawi; Malawian; Lilongwe; Blantyre
MY Malaysia; Malaysian; Kuala Lumpur; Sabah; Sarawak
MV Maldives; Maldivian; Malé
MT Malta; Maltese; Valletta
ML Mali; Malian; Bamako; Timbuktu; Kidal; Mopti; Ménaka; Ségou
MH Marshall Islands; Marshallese; Majuro
MR Mauritania; Mauritanian; Nouakchott
MU Mauritius; Mauritian; Port Louis
MX Mexico; Mexican; Mexico City; Sinaloa; Michoacán; Tamaulipas; Chiapas; Ciudad Juárez; Tijuana;
    Culiacán
FM Micronesia; Federated States of Micronesia; Micronesian; Palikir
MD Moldova; Republic of Moldova; Moldovan; Chișinău; Chisinau; Transnistria; Transdniestria
MC Monaco; Monégasque; Monegasque
MN Mongolia; Mongolian; Ulaanbaatar; Ulan Bator
ME Montenegro; Montenegrin; Podgorica
MA Morocco; Moroccan; Rabat; Casablanca
MZ Mozambique; Mozambican; Maputo; Cabo Delgado; Mocímboa da Praia; Beira
MM Myanmar; Burma; Burmese; Naypyidaw; Naypyitaw; Nay Pyi Taw; Yangon; Rangoon; Mandalay; Rakhine;
    Arakan; Sagaing; Kachin State; Shan State; Karen State; Karenni State; Chin State
NA Namibia; Namibian; Windhoek
NR Nauru; Nauruan; Yaren
NP Nepal; Nepali; Nepalese; Kathmandu
NL Netherlands; Dutch; Holland; Amsterdam; Rotterdam
NZ New Zealand; New Zealander; Wellington; Auckland; Christchurch
NI Nicaragua; Nicaraguan; Managua
NE Niger; Nigerien; Niamey; Tillabéri; Tillaberi; Agadez; Diffa; Tahoua
NG Nigeria; Nigerian; Abuja; Lagos; Borno; Maiduguri; Zamfara; Kaduna; Katsina; Sokoto; Benue;
    Plateau State; Yobe; Adamawa; Kano; Niger Delta; Niger State; Biafra
MK North Macedonia; Macedonian; Skopje
NO Norway; Norwegian; Oslo
OM Oman; Omani; Muscat
PK Pakistan; Pakistani; Islamabad; Karachi; Lahore; Peshawar; Quetta; Balochistan; Baluchistan;
    Khyber Pakhtunkhwa; Waziristan; North Waziristan; Sindh; Azad Kashmir; Pakistan-administered
    Kashmir; Gilgit-Baltistan
PW Palau; Palauan; Ngerulmud
PS Palestine; State of Palestine; Palestinian; Palestinian territories; Occupied Palestinian
    Territory; Gaza; Gaza Strip; Gazan; West Bank; Ramallah; Jenin; Nablus; Hebron; Khan Younis;
    Khan Yunis; Deir al-Balah; Jabalia; Tulkarm; East Jerusalem
PA Panama; Panamanian; Panama City; Darién Gap; Darien Gap
PG Papua New Guinea; Papua New Guinean; Port Moresby; Bougainville
PY Paraguay; Paraguayan; Asunción
PE Peru; Peruvian; Lima; Ayacucho
PH Philippines; Philippine; Filipino; Filipinos; Filipina; Manila; Mindanao; Marawi; Maguindanao;
    Cotabato; Davao
PL Poland; Polish; Warsaw; Kraków; Krakow
PT Portugal; Portuguese; Lisbon; Porto
QA Qatar; Qatari; Doha
RO Romania; Romanian; Bucharest
RU Russia; Russian Federation; Russian; Moscow; Kremlin; St Petersburg; St. Petersburg; Saint
    Petersburg; Chechnya; Chechen Republic; Grozny; Dagestan; Ingushetia; Siberia; Belgorod; Kursk
RW Rwanda; Rwandan; Kigali
KN Saint Kitts and Nevis; St Kitts and Nevis; St. Kitts and Nevis; Kittitian; Basseterre
LC Saint Lucia; St Lucia; St. Lucia; Saint Lucian; Castries
VC Saint Vincent and the Grenadines; St Vincent and the Grenadines; St. Vincent and the Grenadines;
    Vincentian; Kingstown
WS Samoa; Samoan; Apia
SM San Marino; Sammarinese
ST São Tomé and Príncipe; Sao Tome; São Tomé; Santomean
SA Saudi Arabia; Kingdom of Saudi Arabia; KSA; Saudi; Riyadh; Jeddah
SN Senegal; Senegalese; Dakar; Casamance
RS Serbia; Serbian; Belgrade; Novi Sad
SC Seychelles; Seychellois
SL Sierra Leone; Sierra Leonean; Freetown
SG Singapore; Singaporean
SK Slovakia; Slovak Republic; Slovak; Bratislava
SI Slovenia; Slovenian; Slovene; Ljubljana
SB Solomon Islands; Solomon Islander; Honiara
SO Somalia; Somali; Mogadishu; Puntland; Somaliland; Kismayo; Baidoa; Jubaland; Beledweyne
ZA South Africa; South African; Pretoria; Johannesburg; Cape Town; Durban; KwaZulu-Natal
SS South Sudan; South Sudanese; Juba; Upper Nile; Jonglei; Malakal; Bentiu; Unity State
ES Spain; Spanish; Spaniard; Madrid; Barcelona; Catalonia; Canary Islands; Melilla; Ceuta
LK Sri Lanka; Sri Lankan; Colombo; Sri Jayawardenepura Kotte; Jaffna; Mullaitivu
SD Sudan; Sudanese; Khartoum; Omdurman; Port Sudan; Darfur; North Darfur; West Darfur; El Fasher;
    El Geneina; Geneina; Kordofan; South Kordofan; Blue Nile state; Gezira; Wad Madani; Zamzam camp
SR Suriname; Surinamese; Paramaribo
SE Sweden; Swedish; Swede; Stockholm
CH Switzerland; Swiss; Swiss Confederation; Bern; Zurich; Zürich
SY Syria; Syrian Arab Republic; Syrian; Damascus; Idlib; Aleppo; Homs; Hama; Daraa; Deraa; Raqqa;
    Deir ez-Zor; Deir el-Zour; Ghouta; Afrin; Latakia; Tartus; Suwayda; Sweida; Golan Heights;
    Kobani; Al-Hol camp
TW Taiwan; Republic of China; Taiwanese; Taipei; Kaohsiung
TJ Tajikistan; Tajik; Tajikistani; Dushanbe; Gorno-Badakhshan; Khorog
TZ Tanzania; United Republic of Tanzania; Tanzanian; Dodoma; Dar es Salaam; Zanzibar; Arusha
TH Thailand; Thai; Bangkok; Pattani; Narathiwat; Chiang Mai
TL Timor-Leste; East Timor; Timorese; Dili
TG Togo; Togolese; Lomé
TO Tonga; Tongan; Nuku'alofa
TT Trinidad and Tobago; Trinidadian; Trinidad; Tobago; Port of Spain
TN Tunisia; Tunisian; Tunis; Sfax
TR Türkiye; Turkey; Turkish; Ankara; Istanbul; İstanbul; Diyarbakır; Diyarbakir; Gaziantep; Hatay
TM Turkmenistan; Turkmen; Ashgabat
TV Tuvalu; Tuvaluan; Funafuti
UG Uganda; Ugandan; Kampala; Gulu; Karamoja
UA Ukraine; Ukrainian; Kyiv; Kiev; Kharkiv; Kharkov; Donbas; Donbass; Donetsk; Luhansk; Lugansk;
    Crimea; Crimean; Sevastopol; Mariupol; Bakhmut; Avdiivka; Kherson; Zaporizhzhia; Zaporizhia;
    Odesa; Odessa; Mykolaiv; Dnipro; Lviv; Bucha; Irpin; Sumy; Izium
AE United Arab Emirates; UAE; Emirati; Abu Dhabi; Dubai
GB United Kingdom; UK; U.K.; Great Britain; Britain; British; England; Scotland; Scottish; Wales;
    Welsh; Northern Ireland; London; Manchester; Birmingham; Belfast; Edinburgh
US United States; United States of America; USA; U.S.A.; US; U.S.; America; American; Washington
    DC; Washington, D.C.; Washington; Pentagon; White House; New York City; Chicago; Los Angeles
UY Uruguay; Uruguayan; Montevideo
UZ Uzbekistan; Uzbek; Tashkent; Karakalpakstan; Andijan; Samarkand
VU Vanuatu; Ni-Vanuatu; Port Vila
VE Venezuela; Bolivarian Republic of Venezuela; Venezuelan; Caracas; Maracaibo
VN Vietnam; Viet Nam; Vietnamese; Hanoi; Ho Chi Minh City; Saigon
EH Western Sahara; Sahrawi; Saharawi; Laayoune; El Aaiún
YE Yemen; Yemeni; Sanaa; Sana'a; Aden; Hodeidah; Hudaydah; Marib; Taiz; Saada
ZM Zambia; Zambian; Lusaka
ZW Zimbabwe; Zimbabwean; Harare; Bulawayo; Matabeleland
"""

SPECIAL = """
Georgia = ?GE
Congo = CD|CG
Congolese = CD|CG
Kashmir = IN|PK
Kashmiri = IN|PK
Jammu and Kashmir = IN
Jalalabad = AF|KG
Punjab = ?PK|IN
Punjabi = ?PK|IN
Hyderabad = IN|PK
Tripoli = LY|LB
Korea = KR|KP
Korean = KR|KP
Dominican = DO|DM
Macedonia = MK|GR
Rafah = PS|EG
Jerusalem = IL+PS
Caucasus = ~GE
Guinean = GN|GW|GQ
Indian Ocean =
American Samoa =
Latin America =
Latin American =
South America =
South American =
Central America =
Central American =
North America =
North American =
Native American =
American Indian =
New Mexico =
Gulf of Mexico =
Gulf of Guinea =
New Guinea =
Niger River =
Jordan River =
Jordan Valley =
New South Wales =
New England =
Washington Post =
Wall Street Journal =
New Jersey =
Mexican American =
African American =
Guinea pig =
Turkish delight =
French fries =
Swiss cheese =
Chinese New Year =
Panama Canal = PA
Panama Papers =
"""
