// The demo rows by what they are. The seed gives them these ids, and tests, examples and benches
// name a demo theater or movie through here rather than by a bare number.
export const DEMO = {
  users: { admin: 1, staff: 2, customer: 3 },
  cities: { jakarta: 1, bandung: 2, surabaya: 3, denpasar: 4 },
  theaters: {
    /** Jakarta: Hall 1 (IMAX, 3D) and Hall 2 (Dolby Atmos, 3D) */
    grandIndonesia: 1,
    /** Jakarta: Studio 1 (4DX, 3D) and Studio 2 (Regular, no 3D) */
    pacificPlace: 2,
    /** Bandung: Auditorium 1 and Gold Class */
    parisVanJava: 3,
    /** Surabaya */
    tunjunganPlaza: 4,
    /** Denpasar, Asia/Makassar: one hour ahead of Jakarta */
    level21: 5,
  },
  halls: {
    grandIndonesiaImax: 1,
    grandIndonesiaDolby: 2,
    pacificPlace4dx: 3,
    pacificPlaceRegular: 4,
    parisVanJavaAuditorium: 5,
    parisVanJavaGoldClass: 6,
    tunjunganStudio1: 7,
    tunjunganStudio2: 8,
    level21Studio1: 9,
    level21Premiere: 10,
  },
  movies: {
    avengersEndgame: 1,
    theBatman: 2,
    pengabdiSetan2: 3,
    kknDiDesaPenari: 4,
    dunePartTwo: 5,
    oppenheimer: 6,
    insideOut2: 7,
    agakLaen: 8,
    jumbo: 9,
    missionImpossible: 10,
  },
} as const;
